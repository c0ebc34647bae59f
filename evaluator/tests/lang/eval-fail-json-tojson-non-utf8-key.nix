# beyond-oracle: current Nix's toJSON refuses attribute names that are not UTF-8 when it writes them (https://github.com/NixOS/nix/commit/4a2310a3a0)
builtins.toJSON { a = "fine"; "kÿ" = "v"; }
