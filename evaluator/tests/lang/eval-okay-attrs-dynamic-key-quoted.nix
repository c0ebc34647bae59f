let k = "dyn"; in { "${k}".b = 1; }
