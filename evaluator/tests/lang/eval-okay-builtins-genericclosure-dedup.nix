builtins.genericClosure { startSet = [ { key = 3; v = "a"; } { key = 3; v = "b"; } ]; operator = x: [ { key = 1; v = "c"; } ]; }
