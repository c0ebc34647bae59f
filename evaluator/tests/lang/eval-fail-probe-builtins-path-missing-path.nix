builtins.path { }
