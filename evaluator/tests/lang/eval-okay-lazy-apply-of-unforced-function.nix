# Builtins such as map and genList apply a function lazily; here the function
# itself is still an unevaluated thunk when each element is forced, and may
# fail only when an element is forced.
let
  pick = n: if n > 0 then (x: x * n) else throw "no function";
  double = pick 2;
  curried = pick 3;
  bad = pick 0;
  fs = map (n: pick n) [ 1 2 ];
in [
  (map double [ 1 2 3 ])
  (builtins.genList double 3)
  (builtins.mapAttrs (_: v: curried v) { a = 1; b = 2; })
  (builtins.length (map bad [ 1 2 ]))
  (builtins.tryEval (builtins.head (map bad [ 1 ])))
  (map (f: f 10) fs)
  (builtins.catAttrs "x" (map (v: { x = v; }) (map curried [ 1 2 ])))
]
