# beyond-oracle: current Nix refuses negative integer input attributes (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-fetchTree-negative.err.exp)
builtins.fetchTree { type = "file"; url = "file:///x"; owner = -1; }
