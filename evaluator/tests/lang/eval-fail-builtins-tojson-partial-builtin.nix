builtins.toJSON (builtins.map (x: x))
