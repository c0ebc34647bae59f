# `filter`, `concatMap`, `any`, `all` and `foldl'` step their frames where
# they lie: a step that fails under `tryEval` leaves the evaluation around
# it intact, and nested loops keep their own state.
let
  try = e: (builtins.tryEval e).success;
  nested = builtins.foldl' (acc: xs: acc ++ builtins.filter (x: builtins.any (y: y == x) [ 2 4 6 ]) xs) [ ] [ [ 1 2 3 ] [ 4 5 6 ] [ ] [ 6 6 ] ];
in
{
  inherit nested;
  failingFilter = try (builtins.filter (x: if x == 3 then throw "three" else true) [ 1 2 3 4 ]);
  failingConcatMap = try (builtins.concatMap (x: if x > 1 then throw "big" else [ x x ]) [ 1 2 ]);
  failingAny = try (builtins.any (x: assert x < 2; false) [ 1 2 3 ]);
  failingAll = try (builtins.all (x: x < 3 || throw "no") [ 1 2 3 ]);
  failingFold = try (builtins.foldl' (a: b: if b == 2 then throw "two" else a + b) 0 [ 1 2 3 ]);
  afterwards = [
    (builtins.filter (x: x > 1) [ 1 2 3 ])
    (builtins.concatMap (x: [ x x ]) [ 1 2 ])
    (builtins.any (x: x == 3) [ 1 2 3 ])
    (builtins.all (x: x < 3) [ 1 2 3 ])
    (builtins.foldl' (a: b: a * 10 + b) 0 [ 1 2 3 ])
  ];
  shortCircuit = builtins.any (x: x == 1) [ 1 (throw "not reached") ];
  concatMapShared = let l = [ 1 2 ]; r = builtins.concatMap (x: l) [ 0 0 ]; in [ r l ];
}
