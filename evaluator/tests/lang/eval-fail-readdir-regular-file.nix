# beyond-oracle: current Nix says a readDir argument that is no directory "is not a directory", naming the file a symlink leads to (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-readDir-not-a-directory-2.err.exp)
builtins.readDir ./data/text.txt
