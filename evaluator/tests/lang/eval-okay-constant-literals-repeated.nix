# A list or set of literals only is made once when compiled, but each
# evaluation of it is a new value: printing shows «repeated» for the same
# one twice, never for two evaluations of one literal.
let
  f = x: { s = { b = "c"; d = 1; }; l = [ 1 "two" 3.5 ]; t = { u = { v = [ { w = 1; } ]; }; }; };
  c = { a = { b = 1; }; l = [ [ 2 ] [ 2 ] ]; };
  shared = { b = "c"; };
  sharedList = [ 1 2 ];
in [
  (f 1).s (f 2).s (f 1).l (f 2).l
  shared shared sharedList sharedList
  (map (x: [ "k" ]) [ 1 2 ])
  (builtins.genList (i: { v = "w"; }) 2)
  ((f 1).l ++ (f 1).l)
  (f 1).t (f 2).t (f 1).t.u (f 2).t.u c.a c.a c.l (builtins.elemAt c.l 0) (builtins.elemAt c.l 1)
  ((f 1).t == (f 2).t)
]
