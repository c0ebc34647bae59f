# `[ ]` and `{ }` in lazy positions are shared constants behind thunks:
# appending to them (which may extend a list in place) must never change
# the constant another use of the same literal sees.
let
  f = x: x ++ [ 1 ];
  g = s: s // { a = 1; };
  x = { a = [ ]; b = { }; };
  l = [ ];
in [
  (f [ ])
  (f [ ])
  (g { })
  (g { })
  ((x.a ++ [ 1 ]) ++ x.a)
  x
  [ l (l ++ [ 1 ]) l ]
  (builtins.foldl' (acc: i: acc ++ [ i ]) [ ] [ 1 2 3 ])
  (builtins.foldl' (acc: i: acc ++ [ i ]) [ ] [ 4 5 ])
  (map (n: [ ]) [ 1 2 ])
  { c = rec { }; }
]
