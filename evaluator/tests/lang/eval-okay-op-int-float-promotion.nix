[ (1 + 1.5) (1.5 + 1) (2 * 1.5) (3 - 0.5) (builtins.typeOf (1 + 1.0)) (builtins.typeOf (1 * 1)) ]
