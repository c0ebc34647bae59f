# beyond-oracle: current Nix refuses a relative file: tarball URL (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-fetchTree-relative-path.err.exp)
builtins.fetchTree "file:./relative-path.tar.gz"
