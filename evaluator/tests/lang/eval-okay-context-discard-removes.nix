builtins.hasContext (builtins.unsafeDiscardStringContext "${derivation { name = "c"; system = "x"; builder = "/bin/sh"; }}")
