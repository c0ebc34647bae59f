let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; __ignoreNulls = true; n = null; s = "x"; }; in [ d.drvPath d.outPath ]
