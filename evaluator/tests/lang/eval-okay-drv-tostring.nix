let a = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; }; in [ (toString a) "${a}" (a.outPath == "${a}") ]
