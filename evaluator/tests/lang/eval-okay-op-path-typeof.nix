[ (builtins.typeOf ./.) (builtins.typeOf ./a) (builtins.isPath ./a) (builtins.isPath "./a") ]
