# `inherit` of a name bound to a folded literal is a duplicate.
let a = 1; in { a = { b = 1; c = [ 2 3 ]; }; inherit a; }
