let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; script = "cat ${./data/text.txt}"; }; in [ d.drvPath d.outPath ]
