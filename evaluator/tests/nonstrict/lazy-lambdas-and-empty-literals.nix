# Lambdas and empty literals in lazy positions stay <CODE> until used.
let
  s = { f = x: x; g = y: y; e = [ ]; o = { }; r = rec { }; l = [ (z: z) [ ] { } ]; };
in builtins.seq (s.g 1) (builtins.seq s.o (builtins.seq (builtins.head s.l) s))
