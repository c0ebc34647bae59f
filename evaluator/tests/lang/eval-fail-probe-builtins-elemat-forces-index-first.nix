builtins.elemAt (throw "a") (throw "b")
