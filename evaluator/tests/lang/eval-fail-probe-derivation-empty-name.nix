derivation { name = ""; builder = "b"; system = "s"; }
