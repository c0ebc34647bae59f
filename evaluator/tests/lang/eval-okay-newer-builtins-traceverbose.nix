# beyond-oracle: builtins.traceVerbose (Nix >= 2.10) returns its second argument (it only prints with --trace-verbose)
builtins.traceVerbose "not printed" 42
