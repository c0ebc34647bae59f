let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; }; in [ d.drvAttrs.name d.type (builtins.attrNames d) ]
