builtins.derivationStrict { name = "foo"; builder = "/b"; system = "x"; __impure = "x"; z = throw "z"; }
