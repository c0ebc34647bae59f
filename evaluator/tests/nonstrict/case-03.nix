let a = 1; b = a; in { inherit a b; }
