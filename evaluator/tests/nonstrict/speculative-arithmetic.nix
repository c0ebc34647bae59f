# A thunk computing one integer operation on evaluated operands is made
# holding its result, but stays <CODE> until used; an operand that is such a
# thunk still unforced is not evaluated (forcing the outer thunk forces it).
let
  n = 5;
  f = x: { a = x - 1; b = 2 * 3; c = x < 7; d = x == 5; e = 10 / x; g = 7 >= x; h = x != 1; i = x + 1; };
  p = 2 + 3;
  m = p - 1;
  q = 4 + 4;
  r = builtins.seq q (q - 1);
  z = 1 / 0;
  s1 = f n;
  s3 = f 3;
  s4 = f p;
  l = [ (n * 2) (n + n) ];
in
builtins.seq s1 (builtins.seq s3 (builtins.seq s3.e (builtins.seq s4.i (builtins.seq l (builtins.seq m {
  inherit s1 s3 s4 m p r q l;
})))))
