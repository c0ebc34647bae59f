[ (builtins.readDir ./data/tree) (builtins.pathExists ./data/tree/link) ]
