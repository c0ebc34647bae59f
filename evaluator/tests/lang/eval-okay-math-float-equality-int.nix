[ (1.0 == 1) (builtins.floor 2.7 == 2) ]
