# foldl' forces the accumulator, not list elements the function ignores
builtins.foldl' (acc: x: acc + 1) 0 [ (throw "a") (throw "b") ]
