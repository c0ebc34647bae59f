let a = throw "never"; b = 1; in b
