(import ./data/relative.nix).value
