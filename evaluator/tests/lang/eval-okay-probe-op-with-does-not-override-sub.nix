with { __sub = a: b: 7; }; 5 - 3
