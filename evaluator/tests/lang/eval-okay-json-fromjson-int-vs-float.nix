map builtins.typeOf (builtins.fromJSON "[1, 1.0, 1e2, -0, 1E-2]")
