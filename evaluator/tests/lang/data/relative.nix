{ value = import ./simple.nix; }
