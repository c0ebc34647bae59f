# let and rec bindings that name no sibling are lazy values like any other:
# <CODE> until used, and an alias forced through its sibling's cell.
let
  f = x: x;
  l = [ 1 ];
  n = builtins.length l;
  e = { };
  r = rec { a = x: x; b = a; c = [ ]; d = builtins.length [ ]; k = d; };
  s = { inherit f l n e r; g = f; rf = r.a; };
in builtins.seq r.b (builtins.seq r.k (builtins.seq s.g s))
