let d = derivation { name = "a"; builder = "b"; system = "s"; }; in builtins.toFile "x" "${d}"
