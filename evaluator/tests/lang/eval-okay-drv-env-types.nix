let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; i = 42; f = 1.5; t = true; fa = false; n = null; l = [ 1 "a" [ 2 ] ]; }; in [ d.drvPath d.outPath ]
