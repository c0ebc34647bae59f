# the result carries the contexts of all strings in the value
builtins.getContext (builtins.toJSON { a = builtins.appendContext "x" { "/nix/store/00000000000000000000000000000000-a.drv" = { outputs = [ "out" ]; }; }; b = [ (builtins.appendContext "y" { "/nix/store/11111111111111111111111111111111-b" = { path = true; }; }) ]; })
