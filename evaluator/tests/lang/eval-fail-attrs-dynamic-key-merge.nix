# dynamic attribute paths cannot be merged, even with the same key
let k = "dyn"; in { "${k}".b = 1; "${k}".c = 2; }
