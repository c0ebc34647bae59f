let d = derivation { name = "a"; builder = "b"; system = "s"; }; in { a = 1; }.${d.outPath} or 2
