let x = 1; f = a: a; in assert f x == 2; 1
