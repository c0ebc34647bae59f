builtins.foldl' (acc: x: throw "acc forced") 0 [ 1 ]
