builtins.appendContext "x" { "/nix/store/aaa" = { path = true; }; }
