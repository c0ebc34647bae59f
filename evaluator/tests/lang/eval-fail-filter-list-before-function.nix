# beyond-oracle: current Nix forces the list of filter before the function (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-filter-1.nix)
builtins.filter 1 "foo"
