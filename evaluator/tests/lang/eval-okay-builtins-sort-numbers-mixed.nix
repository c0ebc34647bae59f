builtins.sort builtins.lessThan [ 2 1.5 1 (-0.5) ]
