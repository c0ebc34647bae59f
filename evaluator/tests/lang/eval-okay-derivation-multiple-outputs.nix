let d = derivation { name = "m"; system = "x"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; }; in [ d.outputs d.dev.outputName (builtins.attrNames d) ]
