builtins.readFile ./data/text.txt
