# Constant literal sets and lists read straight from the syntax tree: each
# occurrence of an identical small literal keeps its own attribute
# positions, and values match the general path (escapes, quoted and empty
# names, URIs, floats, parentheses, nesting, repeated and dotted names).
let
  a = { x = 1; y = "s"; };
  b = { x = 1; y = "s"; };
  c = {
    "quoted name" = "tab\there \"q\" \${x} $${y}";
    "" = "empty name";
    u = https://example.org/a?b=c;
    f = 1.5e3;
    z = 0.0;
    p = ((( [ 1 (2) { n = null; } ] )));
    nested = { deep = { deeper = [ [ ] { } ]; }; };
    i = 9223372036854775807;
  };
  dotted = { a.b = 1; a.c = 2; d = 3; };
  merged = { s = { t = 1; }; s = { u = 2; }; };
  big = { "${"dyn"}" = 1; plain = 2; };
  pos = name: set: let p = builtins.unsafeGetAttrPos name set; in p // { file = baseNameOf p.file; };
in
[
  (pos "x" a)
  (pos "x" b)
  (pos "y" b)
  a
  b
  (a == b)
  c
  (pos "quoted name" c)
  (pos "" c)
  (pos "deep" c.nested)
  (builtins.attrNames c)
  dotted
  (pos "b" dotted.a)
  merged
  big
]
