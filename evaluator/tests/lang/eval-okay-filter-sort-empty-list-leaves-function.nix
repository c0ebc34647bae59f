# beyond-oracle: current Nix forces the list of filter and sort first and returns an empty one without forcing the function (https://github.com/NixOS/nix/blob/master/src/libexpr/primops.cc, prim_filter and prim_sort)
[ (builtins.filter 1 [ ]) (builtins.sort (throw "unused") [ ]) (builtins.filter (x: x > 1) [ 1 2 ]) ]
