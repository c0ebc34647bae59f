builtins.hashFile "sha1" "data/text.txt"
