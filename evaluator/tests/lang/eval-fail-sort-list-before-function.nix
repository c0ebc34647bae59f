# beyond-oracle: current Nix forces the list of sort before the function (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-sort-1.nix)
builtins.sort 1 "foo"
