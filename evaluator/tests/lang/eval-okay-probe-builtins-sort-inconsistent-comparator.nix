builtins.sort (a: b: builtins.bitAnd (a * 31 + b * 17) 4 == 0) (builtins.genList (x: x) 10)
