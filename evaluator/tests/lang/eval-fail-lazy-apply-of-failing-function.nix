# The lazily applied function is a thunk that throws when the element is forced.
let
  pick = n: if n > 0 then (x: x * n) else throw "no function for ${toString n}";
in builtins.elemAt (map (pick 0) [ 1 2 ]) 1
