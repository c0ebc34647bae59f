# `or` can be bound and passed as an argument, though `in or` alone is a parse error
let f = x: x; or = 1; in f or
