(x: 1) (throw "not forced")
