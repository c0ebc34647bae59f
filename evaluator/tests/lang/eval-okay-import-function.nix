import ./data/function.nix 4
