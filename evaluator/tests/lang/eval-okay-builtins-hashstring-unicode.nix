builtins.hashString "sha1" "é"
