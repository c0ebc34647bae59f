# An error inside a lazy application names where it happened.
let
  xs = map (x: x.missing) [ { } ];
in builtins.elemAt xs 0 + 1
