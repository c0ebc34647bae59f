builtins.toFile "name" "content"
