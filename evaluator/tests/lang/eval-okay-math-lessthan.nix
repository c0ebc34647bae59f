[ (builtins.lessThan 1 2) (builtins.lessThan 2 1) (builtins.lessThan "a" "b") (builtins.lessThan 1 1.5) (builtins.lessThan [ 1 ] [ 2 ]) ]
