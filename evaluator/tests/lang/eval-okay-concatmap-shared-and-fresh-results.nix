# concatMap's results: fresh lists (whose elements are moved into the
# result) and a list held elsewhere (copied, and still whole afterwards).
let
  shared = [ 1 2 ];
  fresh = builtins.concatMap (x: [ x (x * 10) ]) [ 1 2 3 ];
  reused = builtins.concatMap (x: shared) [ 1 2 3 ];
  mixed = builtins.concatMap (x: if x == 2 then shared else [ x ]) [ 1 2 3 ];
  lazy = builtins.concatMap (x: [ (throw "not forced") x ]) [ 4 5 ];
in [ fresh reused mixed shared (builtins.elemAt lazy 1) (builtins.length lazy) ]
