# beyond-oracle: current Nix gives each inherited name its own position (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-okay-inherit-attr-pos.nix)
let a = 1; in { inherit a; a = 2; }
