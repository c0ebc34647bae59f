# `a -1` is the subtraction a - 1, not the application of a to -1
let a = 5; in [ (a -1) (a - 1) ]
