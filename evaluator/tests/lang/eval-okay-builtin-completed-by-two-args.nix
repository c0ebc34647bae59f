# Builtins completed by two arguments at once (invoked directly), after
# partial application, through variables, and over-applied.
let
  elem = builtins.elem;
  fold = builtins.foldl' (a: b: a + b);
  sub = builtins.substring 1;
in [
  (elem 1 [ 1 ])
  (fold 0 [ 1 2 3 ])
  (sub 1 "abc")
  ((builtins.map) (x: x * 2) [ 1 2 ])
  (builtins.head [ builtins.elem ] 2 [ 1 ])
  (builtins.getAttr "a" { a = x: x + 1; } 41)
  (builtins.head [ (x: y: x + y) ] 1 2)
  (builtins.mapAttrs (n: v: v + 1) { a = 1; })
  (builtins.tryEval (builtins.hasAttr "a" (throw "no set")))
]
