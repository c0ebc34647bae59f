# Bindings of a let or rec set that name no sibling are made like lazy values
# (no blank thunk); mixed with ones that do, shadowed names, aliases and
# functions compared by cell.
let
  inc = x: x + 1;
  one = inc 0;
  pair = [ 1 2 ];
  holder = { inherit pair; };
  len = builtins.length [ 1 2 3 ];
  self = g: self;
  shadow = let inc = 5; in inc;
  alias = inc;
  later = last;
  last = { v = len; };
  rs = rec { f = x: x * 2; g = f; h = f 3; k = builtins.length [ ]; m = k + 1; };
in
[
  one
  (inc 41)
  (holder.pair == pair)
  len
  shadow
  (alias 1)
  ([ inc ] == [ alias ])
  ([ self ] == [ self ])
  later.v
  (rs.g 4)
  rs.h
  rs.m
  ([ rs.f ] == [ rs.g ])
  (builtins.attrNames rs)
]
