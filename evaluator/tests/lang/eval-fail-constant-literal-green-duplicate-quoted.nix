# A constant set whose names repeat once quoted: reported where the repeat
# is, as for any set literal.
let s = { a = 1; "b" = 2; "a" = 3; }; in s
