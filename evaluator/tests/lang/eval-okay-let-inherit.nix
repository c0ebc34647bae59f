let x = { a = 1; b = 2; }; in let inherit (x) a b; in a + b
