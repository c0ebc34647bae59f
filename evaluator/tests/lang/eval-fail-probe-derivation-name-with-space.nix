derivation { name = "a b"; builder = "b"; system = "s"; }
