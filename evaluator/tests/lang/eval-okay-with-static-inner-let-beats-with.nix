with { a = 2; }; let a = 1; in a
