let sh = derivation { name = "sh"; system = "x86_64-linux"; builder = "/bin/sh"; }; b = derivation { name = "b"; system = "x86_64-linux"; builder = "${sh}/bin/sh"; }; in [ b.drvPath b.outPath ]
