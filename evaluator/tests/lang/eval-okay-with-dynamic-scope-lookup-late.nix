let f = with { y = 5; }; x: x + y; in f 1
