"not a set" // (throw "right operand")
