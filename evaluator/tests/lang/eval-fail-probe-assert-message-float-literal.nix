assert builtins.isInt 1.0; 1
