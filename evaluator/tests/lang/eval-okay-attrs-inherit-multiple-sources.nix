let s = { a = 1; }; t = { b = 2; }; in { inherit (s) a; inherit (t) b; c = 3; }
