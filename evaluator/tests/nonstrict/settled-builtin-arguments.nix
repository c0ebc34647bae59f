# Builtin arguments that are thunks holding a value ready (a speculated
# result, a literal list) are settled when the builtin forces them, and
# show as forced afterwards; arguments it does not force stay <CODE>.
let
  n = 2;
  i = n - 1;
  j = n + 0;
  l = [ 10 20 30 ];
  f = x: x;
  r = builtins.elemAt l i;
  m = map f [ 1 ];
  s = builtins.length l;
in builtins.seq r (builtins.seq m (builtins.seq s { inherit i j l f r m s; }))
