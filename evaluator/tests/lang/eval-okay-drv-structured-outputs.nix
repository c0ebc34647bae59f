let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; outputs = [ "out" "dev" ]; }; in [ d.drvPath d.outPath d.dev.outPath ]
