# Elements of `map` and `genList` are lazy applications, entered when
# forced: failures are caught by tryEval and raised again when forced
# again, and a function that is itself a thunk is called once evaluated.
let
  xs = map (x: if x == 2 then throw "two" else x * 10) [ 1 2 3 ];
  ys = builtins.genList (i: assert i != 1; i) 3;
  pick = n: if n == 0 then (x: x + 1) else (x: x - 1);
  zs = map (pick 0) [ 1 2 ];
  ws = builtins.genList (pick 1) 2;
  nested = map (f: f 3) (map (a: b: a * b) [ 1 2 ]);
in [
  (builtins.tryEval (builtins.elemAt xs 1))
  (builtins.tryEval (builtins.elemAt xs 1))
  (builtins.elemAt xs 0)
  (builtins.tryEval (builtins.elemAt ys 1))
  (builtins.elemAt ys 2)
  zs
  ws
  nested
  (builtins.elemAt xs 2)
]
