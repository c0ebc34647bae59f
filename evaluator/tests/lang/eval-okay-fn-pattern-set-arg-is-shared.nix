let f = { a }@s: s; x = { a = 1; }; in f x == x
