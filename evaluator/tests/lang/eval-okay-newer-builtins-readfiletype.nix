# beyond-oracle: builtins.readFileType (Nix >= 2.14) returns "regular", "directory", "symlink" or "unknown"
[ (builtins.readFileType ./data/text.txt) (builtins.readFileType ./data/dir) ]
