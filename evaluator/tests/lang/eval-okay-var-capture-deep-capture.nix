# A variable captured through several levels of nested lambdas and thunks.
let
  v = 1;
  f = a: b: c:
    let
      g = d: e: [ v a b c d e ];
      h = { k = g 4; };
    in h.k 5;
  twice = f: x: f (f x);
in [ (f 1 2 3) (twice (x: x * 3) 2) (builtins.map (f 0 0) [ 7 8 ]) ]
