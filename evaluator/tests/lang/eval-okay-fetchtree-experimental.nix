# beyond-oracle: current Nix leaves fetchTree, getFlake, fetchClosure and the flake reference builtins out unless their experimental feature is enabled (https://nix.dev/manual/nix/latest/development/experimental-features#xp-feature-fetch-tree)
map (n: builtins ? ${n}) [ "fetchTree" "getFlake" "fetchClosure" "parseFlakeRef" "flakeRefToString" "fetchurl" "fetchGit" ]
