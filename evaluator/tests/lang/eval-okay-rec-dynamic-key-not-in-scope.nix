# a truly dynamic key is not in scope inside the rec set; b sees outer a
let k = "a"; a = "outer"; in rec { ${k} = 1; b = a; }
