builtins.toJSON { a = { __toString = s: "x"; }; b = [ { outPath = "y"; } ]; }
