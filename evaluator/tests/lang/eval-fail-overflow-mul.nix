# beyond-oracle: Nix >= 2.24 makes signed integer overflow an error (Nix 2.8 wraps around)
4294967297 * 4294967297
