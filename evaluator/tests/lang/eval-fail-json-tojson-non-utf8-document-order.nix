# beyond-oracle: current Nix writes the JSON out in document order and names the first string that is not UTF-8 (https://github.com/NixOS/nix/commit/4a2310a3a0)
builtins.toJSON [ "ok" { x = "cþ"; } "bÿ" ]
