map (x: x.key) (builtins.genericClosure { startSet = [ { key = "a"; } ]; operator = x: if x.key == "a" then [ { key = "c"; } { key = "b"; } ] else [ { key = "a"; } ]; })
