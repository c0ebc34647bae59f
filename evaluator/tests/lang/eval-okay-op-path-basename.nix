[ (baseNameOf ./foo.nix) (baseNameOf ./a/b) (builtins.typeOf (baseNameOf ./x)) ]
