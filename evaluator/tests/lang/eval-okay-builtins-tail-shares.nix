let l = builtins.genList (i: i) 4; in builtins.tail (builtins.tail l)
