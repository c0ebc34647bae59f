# beyond-oracle: current Nix's toJSON refuses strings that are not UTF-8 (https://github.com/NixOS/nix/commit/4a2310a3a0)
builtins.toJSON [ "ok" "bad: ÿ" ]
