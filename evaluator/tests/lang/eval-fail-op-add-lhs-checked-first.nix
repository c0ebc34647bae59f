null + (throw "right operand")
