let x = { a = [ 1 2 ]; }; in [ x x.a x ]
