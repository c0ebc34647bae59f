# `a-1` is a single identifier, not a subtraction
let a = 5; in a-1
