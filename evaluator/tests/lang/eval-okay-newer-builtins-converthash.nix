# beyond-oracle: builtins.convertHash (Nix >= 2.19); example from the Nix manual (sha256 of the empty string)
builtins.convertHash { hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; toHashFormat = "base16"; }
