builtins.readFile (builtins.toFile "a" "hello")
