builtins.appendContext "x" { }
