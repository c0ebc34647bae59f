# A thunk settled without running code (a speculated integer, a lambda in a
# lazy position, a string or list literal) is evaluated for every value that
# holds it, and an unforced one still prints as <CODE>.
let
  f = n: builtins.seq n { a = n; b = n + 0; };
  g = h: builtins.seq h { a = h; };
  k = l: builtins.seq l { a = l; b = l; };
  twice = x: { first = x; second = x; };
  t = twice (3 - 1);
  int = f (1 + 1);
  lambda = g (x: x);
  string = g "str";
  list = k [ 1 [ 2 ] ];
in
builtins.seq t.first (builtins.seq int (builtins.seq lambda (builtins.seq string (builtins.seq list {
  inherit int lambda string list;
  shared = t;
}))))
