# Dotted paths of literals are built when compiling too: merged sets keep
# C++ Nix's positions, order and per-evaluation values.
let
  s = {
    a.b = 1;
    a.c.d = "x";
    a = { e = 2.5; };
    "q r".s = [ 1 "two" ];
  };
  f = x: { p.q = 1; p.r = [ { t = 1; } ]; };
  pos = n: v: removeAttrs (builtins.unsafeGetAttrPos n v) [ "file" ];
in [
  s (builtins.attrNames s.a) (pos "b" s.a) (pos "c" s.a) (pos "d" s.a.c) (pos "e" s.a) (pos "s" s."q r")
  (f 1).p (f 2).p ((f 1).p == (f 2).p) (f 1).p.r (f 2).p.r
]
