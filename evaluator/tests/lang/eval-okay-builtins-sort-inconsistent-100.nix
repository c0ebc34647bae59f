builtins.sort (a: b: builtins.bitAnd (a * 7 + b * 3) 2 == 0) (builtins.genList (x: x) 100)
