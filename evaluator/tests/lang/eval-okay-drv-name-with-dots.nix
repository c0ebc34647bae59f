let d = derivation { name = "foo-1.2.3"; system = "x86_64-linux"; builder = "/bin/sh"; }; in [ d.drvPath d.outPath ]
