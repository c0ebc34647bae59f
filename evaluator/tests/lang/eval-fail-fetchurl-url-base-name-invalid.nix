# beyond-oracle: current Nix checks the store path name a fetch would create, the URL's base name by default (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-fetchurl-baseName.err.exp)
builtins.fetchurl "https://example.com/~wiggle~"
