# `any` and `all` stop at the first element that decides (later ones are
# never evaluated), force the list only after checking the function, and
# work on lists that are still thunks.
let
  l = builtins.map (x: x) [ 1 2 3 ];
in
[
  (builtins.any (x: x == 2) [ 1 2 (throw "not reached") ])
  (builtins.all (x: x < 2) [ 1 2 (throw "not reached") ])
  (builtins.any (x: x > 5) l)
  (builtins.all (x: x > 0) l)
  (builtins.any (x: x) [ ])
  (builtins.all (x: x) [ ])
  (builtins.tryEval (builtins.any (x: throw "caught") l)).success
  (let f = builtins.all (x: x); in f [ true true ])
]
