[ (builtins.fromJSON "1E2") (builtins.fromJSON "-0") (builtins.fromJSON "0e0") (builtins.fromJSON "2.5e-1") (builtins.fromJSON "1e-400") ]
