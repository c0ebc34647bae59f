let s = rec { a = 1; b = a + 1; }; inherit (s) b; in b
