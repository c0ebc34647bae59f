builtins.path { path = ./data/dir; name = "d"; filter = p: t: baseNameOf p != "sub"; }
