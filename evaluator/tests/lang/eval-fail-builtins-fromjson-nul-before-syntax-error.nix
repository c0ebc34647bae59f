# beyond-oracle: current Nix refuses a NUL byte in a key as soon as fromJSON reads it, before the syntax error later in the text
builtins.fromJSON "{\"k\\u0000\": 1"
