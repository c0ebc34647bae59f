[ (builtins.parseDrvName "nix-0.12pre12876") (builtins.parseDrvName "a-b-1.2-3") (builtins.parseDrvName "noversion") (builtins.parseDrvName "foo-bar") ]
