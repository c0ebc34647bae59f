[ (toString { __toString = s: "ts"; }) (toString { outPath = "op"; }) ]
