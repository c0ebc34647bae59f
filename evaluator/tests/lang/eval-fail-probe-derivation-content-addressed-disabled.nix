derivation { name = "a"; builder = "b"; system = "s"; __contentAddressed = true; }
