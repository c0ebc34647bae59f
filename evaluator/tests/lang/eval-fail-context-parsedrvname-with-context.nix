builtins.parseDrvName (builtins.appendContext "a-1" { "/nix/store/00000000000000000000000000000000-a" = { path = true; }; })
