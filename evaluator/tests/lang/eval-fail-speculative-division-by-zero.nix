# A thunk whose division would fail runs as code when forced, and fails
# where the division is written.
let
  n = 0;
  f = x: { q = 10 / x; };
  s = f n;
in builtins.seq n s.q
