let x = "k"; in let y = { ${x} = 1; }; in y
