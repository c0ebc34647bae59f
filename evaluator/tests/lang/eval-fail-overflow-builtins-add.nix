# beyond-oracle: Nix >= 2.24: builtins.add checks for overflow like `+` (Nix 2.8 wraps around)
builtins.add 9223372036854775807 9223372036854775807
