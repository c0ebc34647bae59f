# beyond-oracle: toJSON writes floats with full round-trip precision in current Nix (2.8 used 6 digits)
builtins.toJSON [ 1.0 0.5 1.0e-5 1.0e20 123456789.123 (-2.5) ]
