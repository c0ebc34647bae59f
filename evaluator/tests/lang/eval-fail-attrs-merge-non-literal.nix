let a = { b = 1; }; in { x = a; x.c = 2; }
