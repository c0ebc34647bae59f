builtins.hashString "md4" "x"
