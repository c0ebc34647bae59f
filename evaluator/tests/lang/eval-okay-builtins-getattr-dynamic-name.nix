let n = "x" + "y"; in builtins.getAttr n { xy = "found"; }
