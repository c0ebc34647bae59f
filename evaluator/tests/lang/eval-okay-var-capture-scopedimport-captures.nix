# scopedImport: the file reads scope variables, which shadow builtins.
let
  r = builtins.scopedImport { x = 7; map = "shadowed"; y = 1; } ./data/scoped-captures.nix;
in r
