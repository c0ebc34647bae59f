builtins.lessThan { } 1
