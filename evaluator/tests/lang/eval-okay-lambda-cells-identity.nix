# A lambda in a lazy position is one value cell: every reference to that
# cell (variables, `//`, attrValues, catAttrs, filter, sort, …) is equal to
# itself inside a container, while a selection or builtin result made
# elsewhere is a new cell, and functions in new cells never compare equal.
let
  s = { f = x: x; };
  l = [ (x: x) ];
  vs = builtins.attrValues s;
in [
  ([ s.f ] == [ s.f ])
  (let f = x: x; in [ f ] == [ f ])
  (s == s // { })
  ([ s ] == [ (s // { }) ])
  (builtins.elem s.f vs)
  (builtins.elem (builtins.head vs) vs)
  (builtins.elem (builtins.head l) l)
  ([ (builtins.elemAt l 0) ] == l)
  (builtins.tail (l ++ l) == l)
  (vs == builtins.attrValues s)
  ((x: [ x ] == [ x ]) (y: y))
  ((x: builtins.elem x [ x ]) (y: y))
  (builtins.elem (x: x) [ (x: x) ])
  (s == { inherit (s) f; })
  (s == { f = s.f; })
  (let f = x: x; in { inherit f; } == { inherit f; })
  (builtins.mapAttrs (n: v: v) s == s)
  (builtins.listToAttrs [ { name = "f"; value = s.f; } ] == s)
  (builtins.intersectAttrs s s == s)
  (builtins.removeAttrs s [ ] == s)
  (builtins.catAttrs "f" [ s ] == vs)
  (builtins.filter (x: true) vs == vs)
  (builtins.sort (a: b: false) vs == vs)
  (builtins.getAttr "f" s == s.f)
  ([ (builtins.getAttr "f" s) ] == vs)
  (let r = rec { f = x: g x; g = y: y; h = [ f ]; }; in r.h == [ r.f ])
  (let r = rec { f = x: g x; g = y: y; h = [ f ]; }; in r.h == r.h)
  # sort keeps the list's cells, as C++ Nix does
  (let l = [ (x: x) (y: y) ]; in builtins.sort (a: b: false) l == l)
  (let l = [ (x: x) (y: y) ]; in builtins.sort (a: b: [ a ] == [ b ]) l == l)
  (let l = [ (x: x) (y: y) ]; in builtins.sort (a: b: true) l == l)
  (builtins.sort builtins.lessThan [ 3 (1 + 1) 1 ])
]
