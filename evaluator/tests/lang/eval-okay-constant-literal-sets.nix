# Sets and lists of literals only are built once when compiled: each
# evaluation still sees the same values, positions and order.
let
  f = x: { a = 1; b = "two"; c = 3.5; d = [ 1 "x" ]; };
  g = x: [ 1 2 "three" 4.0 ];
  s = { z = "last"; "quoted name" = 2; y = 0.5; };
in [
  (f 1) (f 2) ((f 1) == (f 2)) ((f 1) // { a = 2; })
  (g 1) ((g 1) ++ (g 2)) (builtins.length (g 3))
  (removeAttrs (builtins.unsafeGetAttrPos "b" (f 1)) [ "file" ])
  (removeAttrs (builtins.unsafeGetAttrPos "quoted name" s) [ "file" ])
  (builtins.attrNames s) (builtins.attrValues s)
  { nested.a = 1; nested.b = "x"; }
  ({ p = { q = 1; }; }.p.q)
  (builtins.mapAttrs (n: v: v) { k = 1; l = "m"; })
]
