builtins.path { path = ./data/tree; name = "types"; filter = p: t: builtins.trace t true; }
