builtins.attrNames { __functor = s: x: x; x = 1; }
