# Constant literals the parser folds from their tokens, without a tree
# (compiler/token_folds.rs): values, positions, names first met inside
# them, literals after one that does not fold, and literals that others extend.
let
  data = {
    zeta = { weight = 1; tags = [ "t1" "all" ]; ratio = 0.5; };
    alpha = { weight = 2; tags = [ ]; nested = { deep = [ [ 1 ] { } "x\ty" ]; }; };
    # a comment inside
    mid = [ 1 2.0 "three" [ "four" ] { five = 5; } ];
  };
  mixed = { f = x: x; after = { fresh = 1; other = "o"; }; };
  extended = { g = y: y; a = { b = 1; c = [ 2 ]; }; a.d = 3; };
  pos = builtins.unsafeGetAttrPos "weight" data.alpha;
in
[
  data
  (builtins.attrNames data.alpha.nested)
  (builtins.mapAttrs (n: v: n) { yankee = 1; xray = 2; whiskey = 3; })
  mixed.after
  (removeAttrs extended [ "g" ])
  { inherit (pos) line column; file = baseNameOf pos.file; }
  (builtins.unsafeGetAttrPos "fresh" mixed.after).column
  (data.zeta == { weight = 1; tags = [ "t1" "all" ]; ratio = 0.5; })
]
