scopedImport { x = 1; } ./data/nonexistent.nix
