# beyond-oracle: toJSON writes floats with full round-trip precision in current Nix (2.8 used 6 digits)
# Nix 2.8 writes inf as a bare word (invalid JSON) and -0.0 as -0; current Nix (nlohmann::json) writes null and -0.0
builtins.toJSON [ (1.0e308 * 10) (-1 * 0.0) ]
