# `++` may extend a list in place only when nothing else holds it: lists
# that are still shared keep their contents.
let
  base = [ 0 ];
  grown = builtins.foldl' (acc: x: acc ++ [ x ]) base [ 1 2 3 ];
  f = a: b: [ (a ++ [ b ]) a (a ++ [ b b ]) ];
  g = a: b: let c = a ++ [ b ]; d = a ++ [ b ]; in [ c d a ];
  h = l: let m = l ++ [ 9 ]; in [ m l (m ++ [ 10 ]) m ];
  twice = builtins.foldl' (acc: x: [ (builtins.head acc ++ [ x ]) (builtins.head acc) ]) [ [ ] [ ] ] [ 1 2 ];
in [ grown base (f base 5) (g [ 1 ] 2) (h base) twice
     (builtins.foldl' (acc: x: acc ++ acc) [ 1 ] [ 1 2 3 ]) ]
