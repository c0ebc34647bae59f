map { __functor = _: x: x * 2; } [ 1 2 3 ]
