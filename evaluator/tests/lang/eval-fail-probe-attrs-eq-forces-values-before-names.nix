{ a = throw "a"; b = 1; } == { a = throw "c"; c = 2; }
