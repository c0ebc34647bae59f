# Thunks of one integer operation on evaluated operands are made holding
# their result; the values must be what evaluating them gives, and an
# operation that would fail (division by zero) or a rebound operator must
# still run as code.
let
  big = 9223372036854775807;
  f = x: y: {
    add = x + y; sub = x - y; mul = x * y; div = x / y;
    lt = x < y; gt = x > y; le = x <= y; ge = x >= y; eq = x == y; ne = x != y;
    lit = x - 1; rev = 10 - x;
  };
  forced = x: y: builtins.seq x (builtins.seq y (f x y));
  never = let d = 1 / 0; n = 0; e = 5 / n; in "unused";
  rebound = let __sub = a: b: "sub ${toString a} ${toString b}"; n = 3; in builtins.seq n (n - 1);
  mixed = let x = 1.5; y = 2; in builtins.seq x (builtins.seq y [ (x + y) (y * x) (y / 4) (x < y) ]);
  strs = let a = "a"; b = "b"; in builtins.seq a (builtins.seq b (a + b));
  chain = let a = 2 + 3; b = a * 2; c = b - a; in [ c b a ];
  negdiv = let x = -7; y = 2; in builtins.seq x (builtins.seq y (x / y));
  near = let x = big; y = 0; in builtins.seq x (builtins.seq y [ (x + y) (x - 1) (x * 1) ]);
in [ (forced 7 3) (forced 3 7) (forced 4 4) (f 7 3) never rebound mixed strs chain negdiv near ]
