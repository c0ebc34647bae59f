builtins.hasContext "${derivation { name = "c"; system = "x"; builder = "/bin/sh"; }}"
