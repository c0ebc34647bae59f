# `mapAttrs` and `zipAttrsWith` values are applications of the function to
# a name, then to a value: curried functions, functions returning
# functions, failures caught and raised again, a function still a thunk.
let
  pick = k: if k then (n: v: "${n}:${toString v}") else (n: v: v);
  m = builtins.mapAttrs (pick true) { a = 1; b = 2; };
  m2 = builtins.mapAttrs (n: let p = "<${n}>"; in v: p + toString v) { c = 3; };
  m3 = builtins.mapAttrs (n: v: x: "${n}${toString v}${x}") { d = 4; };
  bad = builtins.mapAttrs (n: v: if v == 2 then throw "no ${n}" else v) { e = 1; f = 2; };
  z = builtins.zipAttrsWith (n: vs: n + toString (builtins.length vs)) [ { a = 1; } { a = 2; b = 3; } ];
  nested = builtins.mapAttrs (n: v: builtins.mapAttrs (n2: v2: n + n2 + toString v2) v) { g = { h = 5; }; };
in [
  m
  m2
  (m3.d "!")
  (builtins.tryEval bad.f)
  (builtins.tryEval bad.f)
  bad.e
  z
  nested
  (builtins.mapAttrs (pick false) { i = 6; })
]
