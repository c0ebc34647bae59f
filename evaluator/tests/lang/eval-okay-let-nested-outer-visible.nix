let a = 1; in let b = a + 1; in [ a b ]
