let __mul = a: b: "mul"; __div = a: b: "div"; in [ (5 * 3) (6 / 3) ]
