let s = "str"; n = 5; in [ s s n n ]
