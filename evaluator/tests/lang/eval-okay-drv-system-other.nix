let d = derivation { name = "x"; system = "aarch64-darwin"; builder = "/bin/bash"; }; in [ d.drvPath d.outPath ]
