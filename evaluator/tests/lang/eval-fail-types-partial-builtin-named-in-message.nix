builtins.lessThan 1 (builtins.add 1)
