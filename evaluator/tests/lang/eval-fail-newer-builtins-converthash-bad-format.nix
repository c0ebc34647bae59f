# beyond-oracle: builtins.convertHash (Nix >= 2.19) with an unknown target format
builtins.convertHash { hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; toHashFormat = "hex"; }
