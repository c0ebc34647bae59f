map builtins.typeOf [ (builtins.ceil 1.2) (builtins.floor 1) ]
