builtins.hashFile "md4" ./data/text.txt
