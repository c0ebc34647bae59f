builtins.fromTOML "day = 2012-12-21"
