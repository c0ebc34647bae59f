let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; s = "quote \" backslash \\ newline \n tab \t cr \r"; }; in [ d.drvPath d.outPath ]
