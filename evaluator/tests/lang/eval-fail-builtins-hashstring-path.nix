builtins.hashString "sha256" ./data/text.txt
