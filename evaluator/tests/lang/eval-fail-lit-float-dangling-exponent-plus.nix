let e = 2; x = 1; in [ 1.5e+x ]
