# beyond-oracle: every name of an inherit has its own position in current Nix, not the one after 'inherit' as in 2.8 (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-okay-inherit-attr-pos.nix)
let
  d = 0; x = 1; s = { p = 2; q = 3; };
  y = { inherit d   x; inherit (s) p
    q; };
  col = n: (builtins.unsafeGetAttrPos n y).column;
  line = n: (builtins.unsafeGetAttrPos n y).line;
in map (n: [ (col n) (line n) ]) [ "d" "x" "p" "q" ]
