builtins.hasContext (builtins.appendContext "x" { "/nix/store/00000000000000000000000000000000-a.drv" = { path = false; allOutputs = false; outputs = [ ]; }; })
