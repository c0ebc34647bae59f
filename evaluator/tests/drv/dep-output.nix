let a = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; };
in derivation { name = "b"; system = "x86_64-linux"; builder = "/bin/sh"; dep = a; }
