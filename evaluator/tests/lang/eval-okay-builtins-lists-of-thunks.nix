let xs = map (x: x + 1) [ 1 2 3 ]; in [ xs (builtins.elemAt xs 1) ]
