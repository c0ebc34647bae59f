builtins.toJSON { b = 1; a = 2; "A" = 3; }
