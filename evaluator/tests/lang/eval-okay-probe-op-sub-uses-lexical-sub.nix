let __sub = a: b: 100; in 5 - 3
