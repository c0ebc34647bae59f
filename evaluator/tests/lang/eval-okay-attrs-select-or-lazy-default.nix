{ a = 1; }.a or (throw "not forced")
