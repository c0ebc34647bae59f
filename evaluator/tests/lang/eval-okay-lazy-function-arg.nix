(x: y: y) (throw "x") 2
