let k = "dyn"; in { ${k} = 1; }
