{ a = { or = 1; }; }.a.or
