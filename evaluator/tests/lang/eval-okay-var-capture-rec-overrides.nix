# `__overrides` replaces bindings in the recursive scope, including for
# thunks that captured them before the override was applied.
rec {
  __overrides = { a = 10; e = 4; };
  a = 1;
  b = a + 1;
  c = [ a b ];
  d = x: x + a;
  f = d 1;
}
