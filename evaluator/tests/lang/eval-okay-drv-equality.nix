let a = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; }; b = a // { extra = 1; }; in [ (a == b) (a.drvPath == b.drvPath) ]
