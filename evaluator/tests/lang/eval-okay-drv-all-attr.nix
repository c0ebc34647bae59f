let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "man" ]; }; in map (x: x.outPath) d.all
