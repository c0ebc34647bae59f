derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; f = builtins.toFile "script.sh" "cat ${../lang/data/text.txt}"; }
