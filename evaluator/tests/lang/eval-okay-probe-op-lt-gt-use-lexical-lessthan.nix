let __lessThan = a: b: a; in [ (1 < 2) (3 > 4) ]
