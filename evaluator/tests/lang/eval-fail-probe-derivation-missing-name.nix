derivation { builder = "b"; system = "s"; }
