let s = { a = 1; }; in { x = with s; a; }
