# toJSON writes inf as a bare word (invalid JSON) in Nix 2.8
builtins.toJSON [ (1.0e308 * 10) (-1 * 0.0) ]
