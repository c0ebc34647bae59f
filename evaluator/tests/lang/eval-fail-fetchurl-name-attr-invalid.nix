# beyond-oracle: current Nix checks a name attribute passed to fetchurl (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-fetchurl-baseName-attrs-name.err.exp)
builtins.fetchurl { url = "https://example.com/foo.tar.gz"; name = ".."; }
