# beyond-oracle: builtins.parseFlakeRef (Nix >= 2.16 with flakes); examples from the Nix manual
[ (builtins.parseFlakeRef "github:NixOS/nixpkgs/23.05?dir=lib") (builtins.parseFlakeRef "path:/foo/bar") (builtins.parseFlakeRef "git+https://example.org/repo?ref=main") (builtins.parseFlakeRef "nixpkgs") ]
