# beyond-oracle: toJSON writes floats with full round-trip precision in current Nix (2.8 used 6 digits)
# Nix 2.8's toJSON prints floats with the same 6 significant digits as the value printer
builtins.toJSON [ 0.1 (0.1 + 0.2) (1.0 / 3.0) 1.0 1.0e20 ]
