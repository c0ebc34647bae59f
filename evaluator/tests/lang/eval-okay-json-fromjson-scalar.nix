[ (builtins.fromJSON "true") (builtins.fromJSON "null") (builtins.fromJSON ''"s"'') (builtins.fromJSON "-12") ]
