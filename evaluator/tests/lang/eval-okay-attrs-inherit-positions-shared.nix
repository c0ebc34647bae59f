# Every name of one `inherit` gets the position right after `inherit` (or
# after the parenthesised source), as in C++ Nix 2.8.
let
  d = 0; x = 1; s = { p = 2; q = 3; };
  y = { inherit d   x; inherit (s) p
    q; };
  col = n: (builtins.unsafeGetAttrPos n y).column;
  line = n: (builtins.unsafeGetAttrPos n y).line;
in map (n: [ (col n) (line n) ]) [ "d" "x" "p" "q" ]
