builtins.fromJSON ''"a\"b\\c\/d\ne\tf\bg\fh\ri"''
