# Checked in attribute order: the earlier failing attribute wins.
builtins.derivationStrict { name = "foo"; builder = "/b"; system = "x"; __contentAddressed = true; __a = throw "a"; }
