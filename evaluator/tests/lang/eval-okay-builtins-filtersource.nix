builtins.filterSource (p: t: t != "directory") ./data/dir
