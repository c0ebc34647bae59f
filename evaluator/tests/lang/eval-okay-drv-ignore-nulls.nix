let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; __ignoreNulls = true; n = null; keep = "k"; }; in [ d.drvPath d.outPath ]
