[ (builtins.isFunction builtins.add) (builtins.isFunction (builtins.add 1)) (builtins.isFunction builtins.length) ]
