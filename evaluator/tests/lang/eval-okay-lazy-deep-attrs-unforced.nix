({ a = { b = throw "x"; c = 1; }; }).a.c
