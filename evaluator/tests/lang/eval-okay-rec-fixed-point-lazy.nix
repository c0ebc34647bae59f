(rec { xs = [ 1 ] ++ map (x: x + 1) (builtins.genList (i: i) 3); n = builtins.length xs; }).n
