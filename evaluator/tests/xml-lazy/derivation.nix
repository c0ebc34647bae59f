# A derivation's type is forced to recognise it; drvPath only if evaluated.
let d = derivation { name = "n"; builder = "b"; system = "s"; }; in [ d (builtins.seq d.drvPath d) ]
