# beyond-oracle: builtins.warn (Nix >= 2.23) prints its first argument (a string) as a warning on stderr and returns the second
builtins.warn "careful" "value"
