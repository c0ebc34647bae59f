builtins.typeOf { __functor = self: x: x; }
