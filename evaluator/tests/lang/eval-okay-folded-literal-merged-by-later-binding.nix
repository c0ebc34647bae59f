# Set literals made only of literals are folded into values while parsing;
# a later binding extending one (`a = { … }; a.b = …;`) needs its syntax
# again, in sets, recursive sets and `let`, however the name is written.
let
  x = { p = 1; q = "s"; r = [ 1 2 { t = 3; } ]; };
  x.s = 4;
  y.u = { v = 1; w = [ "a" ]; };
  y.u.z = 2;
  z = ({ m = 1; n = { o = 2; }; });
  z.n.k = 3;
in
[
  x
  y
  z
  { a = { b = 1; c = [ 1 2 ]; }; "a".d = 2; }
  { "e" = { f = 1; g = { h = 2; }; }; e.g.i = 3; }
  rec { j = { k = 1; l = { m = 2; }; }; j.n = j.k + 1; }
  { o = { p = "\n"; q = 2; }; "o\"" = { r = 1; s = 2; }; }
  (builtins.attrNames { a = { x = 1; y = 2; }; ${"b"} = { z = 3; }; })
  { a = { b = 1; c = 2; }; ${"a"} = { d = 3; }; }
  { a = { b = 1; c = 2; }; ${"a"}.e = 3; }
  (builtins.unsafeGetAttrPos "s" x).line
  (builtins.unsafeGetAttrPos "v" y.u).line
  (builtins.unsafeGetAttrPos "q" x).column
]
