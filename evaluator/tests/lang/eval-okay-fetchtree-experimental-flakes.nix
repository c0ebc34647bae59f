# beyond-oracle: the flakes feature enables fetchTree, getFlake and the flake reference builtins (https://nix.dev/manual/nix/latest/development/experimental-features#xp-feature-flakes)
map (n: builtins ? ${n}) [ "fetchTree" "getFlake" "fetchClosure" "parseFlakeRef" "flakeRefToString" ]
