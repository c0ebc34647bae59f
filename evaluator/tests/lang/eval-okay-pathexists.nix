[ (builtins.pathExists ./data/text.txt) (builtins.pathExists ./data/nonexistent) (builtins.pathExists ./data) ]
