builtins.sort (a: b: a.k < b.k) (builtins.genList (i: { k = builtins.bitAnd i 3; v = i; }) 23)
