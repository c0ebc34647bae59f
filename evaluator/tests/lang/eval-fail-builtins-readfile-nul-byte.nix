builtins.readFile ./data/nul-byte.bin
