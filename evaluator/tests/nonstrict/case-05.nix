let f = x: x; in { inherit f; g = f; }
