{ a = { }; }.a.b.c or 3
