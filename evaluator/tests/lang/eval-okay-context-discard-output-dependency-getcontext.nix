builtins.getContext (builtins.unsafeDiscardOutputDependency (builtins.appendContext "x" { "/nix/store/00000000000000000000000000000000-a.drv" = { outputs = [ "out" ]; allOutputs = true; }; }))
