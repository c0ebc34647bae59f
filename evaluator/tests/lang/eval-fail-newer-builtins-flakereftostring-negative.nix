# beyond-oracle: current Nix refuses a negative integer in a flake reference attribute (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-flake-ref-to-string-negative-integer.err.exp)
builtins.flakeRefToString { type = "github"; owner = "NixOS"; repo = -1; ref = "23.05"; }
