builtins.groupBy 1 [ 1 ]
