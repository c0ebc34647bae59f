derivation { name = "a"; builder = "b"; system = "s"; outputHash = "abc"; }
