# Recursive bindings mixing values that need no thunk (constants, aliases of
# earlier or outer bindings) with thunks that capture later siblings.
let
  outer = 10;
in
let
  a = b;
  b = 1;
  c = outer;
  d = [ e f ];
  e = "s";
  f = x: x + g;
  g = b + c;
  h = c;
  inherit (self) i;
  self = { i = d; };
in [ a b c d (f 1) g h i ]
