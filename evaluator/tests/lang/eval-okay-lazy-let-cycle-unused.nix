let a = b; b = a; c = 1; in c
