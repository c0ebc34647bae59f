let d = derivation { name = "a"; builder = "b"; system = "s"; }; in { ${d.outPath} = 1; }
