# beyond-oracle: a set literal merged into a path-made set names the full path of a clash (https://github.com/NixOS/nix/commit/8034589d7e)
{ x.z = 3; x = { y = 3; z = 3; }; }
