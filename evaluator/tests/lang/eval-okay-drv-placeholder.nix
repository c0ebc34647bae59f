let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; p = builtins.placeholder "out"; }; in [ d.drvPath d.outPath ]
