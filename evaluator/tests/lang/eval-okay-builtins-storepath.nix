builtins.storePath (builtins.toFile "sp" "x")
