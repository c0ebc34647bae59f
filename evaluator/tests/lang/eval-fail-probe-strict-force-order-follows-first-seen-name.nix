{ b = throw "b"; a = throw "a"; }
