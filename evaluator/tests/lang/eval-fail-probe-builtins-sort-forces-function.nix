builtins.sort 1 [ 1 2 ]
