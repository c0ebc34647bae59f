builtins.getAttr "a b" { }
