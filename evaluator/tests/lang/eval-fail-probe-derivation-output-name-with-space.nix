derivation { name = "a"; builder = "b"; system = "s"; outputs = [ "a b" ]; }
