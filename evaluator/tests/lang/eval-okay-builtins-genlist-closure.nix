map (f: f 10) (builtins.genList (i: x: x + i) 3)
