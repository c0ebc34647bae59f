builtins.fromTOML "x"
