builtins.fromTOML "a = '''\nraw\\n\n'''"
