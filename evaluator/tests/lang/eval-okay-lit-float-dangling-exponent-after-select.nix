# A file with selections like `lib.elem` (a dot before an `e`, no float) and a
# float with a dangling exponent: the lexing fix-up still finds the float.
let
  e = 10;
  E = 20;
  lib = { elem = 1; enable = 2; };
in [ lib.elem lib.enable 1.e 2.5E ]
