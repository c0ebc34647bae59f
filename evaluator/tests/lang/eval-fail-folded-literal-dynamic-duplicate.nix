# A name computed when the set is evaluated, equal to a folded literal's
# name, is a duplicate reported then.
let n = "a"; in { a = { b = 1; c = 2; }; ${n} = { d = 3; }; }
