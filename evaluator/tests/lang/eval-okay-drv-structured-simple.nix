let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; n = 1; f = 0.5; l = [ 1 "a" true null ]; s = { x = "y"; }; }; in [ d.drvPath d.outPath ]
