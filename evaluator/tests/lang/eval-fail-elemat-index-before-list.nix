# elemAt forces and checks its index before it forces the list.
builtins.elemAt (throw "the list") (let i = "1"; in i)
