builtins.pathExists ./a/
