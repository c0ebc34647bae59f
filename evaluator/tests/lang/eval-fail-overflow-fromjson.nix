# beyond-oracle: current Nix rejects JSON integers above the int64 range (Nix 2.8 wraps around); message from the Nix test suite
builtins.fromJSON "9223372036854775808"
