let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "bin" ]; }; in [ d.drvPath d.outPath ]
