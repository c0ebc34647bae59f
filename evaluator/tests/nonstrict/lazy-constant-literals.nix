# Lists and sets of literals only are built once when compiled, but stay
# <CODE> in lazy positions until used, and each evaluation has its own thunk.
let
  f = x: { s = { a = 1; b = "two"; c = 3.5; }; l = [ 1 "a" 2.5 ]; n = [ [ 1 ] { a = 1; } ]; d = { e = { f = 1; }; g = [ [ ] ]; h = "i"; }; u = http://example.org; };
  first = f 1;
  second = f 2;
in builtins.seq first.s.a (builtins.seq (builtins.elemAt first.n 0) (builtins.seq second.u (builtins.seq first.d [ first second (first.s == second.s) first.n first.d ])))
