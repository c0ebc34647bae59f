[ (builtins.add 3 4) (builtins.sub 3 4) (builtins.mul 3 4) (builtins.div 7 2) (builtins.div 7.0 2) ]
