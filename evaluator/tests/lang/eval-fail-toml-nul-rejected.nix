# beyond-oracle: since Nix 2.26 fromTOML refuses a NUL byte instead of cutting the string short (https://github.com/NixOS/nix/commit/3a9d64b8e3)
builtins.fromTOML "d = \"\\u0000x\""
