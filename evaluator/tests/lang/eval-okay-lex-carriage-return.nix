# A lone carriage return ends a comment and a line, as in C++ Nix.let a = 1; # next  b = 2;
  /* block */ c = __curPos.line;in [ a b c (builtins.unsafeGetAttrPos "b" { inherit b; }).line "xy" ]
