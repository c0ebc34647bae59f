builtins.typeOf (toString ./a)
