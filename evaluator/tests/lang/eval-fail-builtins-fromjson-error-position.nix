builtins.fromJSON "[1,\n\n  x]"
