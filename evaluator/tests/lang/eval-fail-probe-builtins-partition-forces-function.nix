builtins.partition 1 [ 1 ]
