let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "lib" "out" ]; }; in [ d.drvPath d.outPath d.out.outPath ]
