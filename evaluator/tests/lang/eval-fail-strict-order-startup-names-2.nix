{ derivation = throw "derivation"; true = throw "true"; map = throw "map"; }
