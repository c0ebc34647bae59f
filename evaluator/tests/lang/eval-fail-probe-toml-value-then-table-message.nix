builtins.fromTOML "a = 1\n[a]"
