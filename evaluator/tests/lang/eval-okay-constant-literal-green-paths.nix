# Constant sets written with dotted paths, read straight from the syntax
# tree: paths sharing a prefix merge, every attribute a path makes has the
# position of the path's start, and mixes of paths and set literals (which
# the general path merges) give the same values.
let
  pos = name: set: let p = builtins.unsafeGetAttrPos name set; in p // { file = baseNameOf p.file; };
  deep = {
    a.b.c = 1;
    a.b.d = "two";
    a.e = [ 3 ];
    "quoted".x = 4;
    f = 5;
  };
  pathThenLiteral = { a.b = 1; a = { c = 2; }; };
  literalThenPath = { a = { c = 2; }; a.b = 1; };
  # More attributes than a scan searches: merged through the index.
  wide = {
    p0.v = 0; p1.v = 1; p2.v = 2; p3.v = 3; p4.v = 4; p5.v = 5; p6.v = 6;
    p7.v = 7; p8.v = 8; p9.v = 9; p10.v = 10; p11.v = 11; p12.v = 12;
    p13.v = 13; p14.v = 14; p15.v = 15; p16.v = 16; p17.v = 17;
    p0.w = "a"; p17.w = "b"; p9.x.y = "c"; p9.x.z = "d";
  };
in
[
  deep
  (pos "a" deep)
  (pos "b" deep.a)
  (pos "c" deep.a.b)
  (pos "d" deep.a.b)
  (pos "e" deep.a)
  (pos "x" deep.quoted)
  pathThenLiteral
  literalThenPath
  (pos "c" pathThenLiteral.a)
  (pos "b" literalThenPath.a)
  wide
  (builtins.attrNames wide)
  (pos "w" wide.p17)
  (pos "z" wide.p9.x)
]
