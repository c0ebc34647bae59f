# Nix 2.8's toJSON prints floats with the same 6 significant digits as the value printer
builtins.toJSON [ 0.1 (0.1 + 0.2) (1.0 / 3.0) 1.0 1.0e20 ]
