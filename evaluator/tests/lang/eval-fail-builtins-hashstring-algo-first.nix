builtins.hashString "sha3" (throw "string")
