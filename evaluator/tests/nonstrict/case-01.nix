{ f = x: x; p = ./a; s = "x"; i = 1; l = [ (x: x) ./b ]; }
