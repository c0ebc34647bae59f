let a = [ (throw "x") ]; in a == a
