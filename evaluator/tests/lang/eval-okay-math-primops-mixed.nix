[ (builtins.add 1 0.5) (builtins.mul 2 0.25) (builtins.sub 1.5 1) ]
