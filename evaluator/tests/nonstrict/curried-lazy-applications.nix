# `mapAttrs` and `zipAttrsWith` apply a curried function to a name and a
# value lazily; the first application is only shared with the second, so it
# is never evaluated on its own. An application held elsewhere too (a `map`
# element used as a function) is evaluated, and shows so.
let
  fs = map (a: b: a + b) [ 1 2 ];
  r = map (e: map e [ 10 20 ]) fs;
  m = builtins.mapAttrs (n: v: "${n}=${toString v}") { a = 1; b = 2; };
  m3 = builtins.mapAttrs (n: v: x: n + x) { a = "1"; };
  z = builtins.zipAttrsWith (n: vs: builtins.length vs) [ { a = 1; } { a = 2; b = 3; } ];
  g = m3.a "x";
  first = builtins.elemAt r 0;
in
builtins.seq (builtins.elemAt first 0) (builtins.seq m.a (builtins.seq z.a (builtins.seq g {
  inherit fs first m m3 z g;
})))
