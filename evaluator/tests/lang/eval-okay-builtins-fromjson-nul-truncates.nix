# Nix strings end at a NUL byte
builtins.fromJSON "[\"a\\u0000b\", \"\\u0000\"]"
