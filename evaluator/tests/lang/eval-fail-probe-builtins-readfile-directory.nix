builtins.readFile ./data/dir
