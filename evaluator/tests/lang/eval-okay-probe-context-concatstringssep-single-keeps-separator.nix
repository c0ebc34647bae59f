let d = derivation { name = "a"; builder = "b"; system = "s"; }; in builtins.getContext (builtins.concatStringsSep d.outPath [ "a" ])
