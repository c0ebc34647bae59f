let d = derivation { name = "a"; builder = "b"; system = "s"; }; in builtins.listToAttrs [ { name = d.outPath; value = 1; } ]
