builtins.hashString "sha1" (builtins.appendContext "x" { "/nix/store/00000000000000000000000000000000-a" = { path = true; }; })
