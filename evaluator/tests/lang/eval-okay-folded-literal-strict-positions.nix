# Folded literals where they are evaluated at once (not in a thunk): each
# evaluation is a new value with its own nested thunks.
let
  f = n: { a = 1; b = { c = n; }; d = [ 1 2 ]; } // { e = [ { g = 1; } ]; };
  s = { a = { b = 1; }; c = [ [ 1 ] [ 2 ] ]; };
in
[
  (f 1)
  (builtins.length [ 1 2 3 [ 4 ] ])
  ({ a = 1; b = 2; }.b)
  ({ a = { b = { c = 5; }; }; } ? a.b.c)
  (with { a = 1; b = [ 2 ]; }; [ a b ])
  (builtins.attrValues s)
  (s == { a = { b = 1; }; c = [ [ 1 ] [ 2 ] ]; })
  (builtins.toJSON { x = [ 1 "2" 3.5 { y = null; } ]; })
]
