let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; allowedReferences = [ ]; allowedRequisites = [ ]; disallowedReferences = [ ]; }; in [ d.drvPath d.outPath ]
