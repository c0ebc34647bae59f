let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; src = ./data/text.txt; }; in [ d.drvPath d.outPath ]
