let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; passAsFile = [ "big" ]; big = "lots of text"; }; in [ d.drvPath d.outPath ]
