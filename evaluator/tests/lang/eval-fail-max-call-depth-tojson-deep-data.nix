# beyond-oracle: current Nix counts toJSON's walk over nested data against max-call-depth (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-toJSON-stack-overflow.nix)
builtins.toJSON (builtins.foldl' (inner: _: [ inner ]) [ ] (builtins.genList (x: x) 3000))
