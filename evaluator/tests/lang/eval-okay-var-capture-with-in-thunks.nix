# `with` namespaces are captured like variables by thunks and lambdas made
# inside them, and searched innermost first.
let
  s1 = { x = 1; y = 2; };
  s2 = { y = 20; z = 30; };
  f = with s1; w: with s2; [ x y z w (let q = y; in q) ];
  lazy = with s1; { a = x; b = { c = y; }; d = [ (with s2; z) ]; };
in [ (f 0) lazy (with s1; with s2; [ x y ]) ]
