import ./data/nonexistent.nix
