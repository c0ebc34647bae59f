# beyond-oracle: current Nix refuses a NUL byte as fromJSON reads it, even in a member whose key a later duplicate replaces
builtins.fromJSON "{\"a\": \"x\\u0000\", \"a\": 1}"
