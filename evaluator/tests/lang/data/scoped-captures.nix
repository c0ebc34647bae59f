let f = n: n + x; in [ (f 1) map (builtins.isFunction builtins.map) ]
