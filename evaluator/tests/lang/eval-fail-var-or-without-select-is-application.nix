# without a preceding attribute selection, `x or 2` is x applied to the variable `or` and to 2
let x = 1; in x or 2
