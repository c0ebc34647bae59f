builtins.fromJSON "[1.0, 1e2, 2.5E-3, -0.5, 1e20]"
