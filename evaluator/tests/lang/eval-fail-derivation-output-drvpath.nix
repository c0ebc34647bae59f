# beyond-oracle: current Nix refuses an output named drvPath, which would clash with the derivation's own attribute (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-derivationStrict-14.nix)
builtins.derivationStrict { name = "foo"; builder = "/b"; system = "x"; outputs = [ "out" "drvPath" ]; }
