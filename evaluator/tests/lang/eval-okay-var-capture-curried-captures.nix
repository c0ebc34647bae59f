# Curried lambdas entered in one step still see the outer argument and
# the variables the outer lambda captured.
let
  k = 100;
  add = a: b: a + b + k;
  pair = a: b: { inherit a b; sum = a + b; };
  partial = add 1;
in [ (add 1 2) (partial 5) (pair 3 4) (builtins.foldl' add 0 [ 1 2 3 ]) ]
