builtins.concatMap (x: [ ]) [ 1 2 ]
