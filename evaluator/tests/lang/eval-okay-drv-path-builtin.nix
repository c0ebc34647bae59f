let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; src = builtins.path { path = ./data/dir; name = "mysrc"; }; }; in [ d.drvPath d.outPath ]
