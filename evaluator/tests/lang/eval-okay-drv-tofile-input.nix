let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; f = builtins.toFile "script.sh" "echo hello"; }; in [ d.drvPath d.outPath ]
