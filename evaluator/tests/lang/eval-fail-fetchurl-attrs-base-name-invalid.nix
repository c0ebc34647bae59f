# beyond-oracle: current Nix checks the store path name a fetch would create and suggests a name attribute (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-fetchurl-baseName-attrs.err.exp)
builtins.fetchurl { url = "https://example.com/~wiggle~"; }
