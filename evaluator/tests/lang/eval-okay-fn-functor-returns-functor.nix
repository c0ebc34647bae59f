let f = { __functor = self: x: self // { n = self.n + x; }; n = 0; }; in (f 1 2 3).n
