# beyond-oracle: builtins.convertHash (Nix >= 2.19) needs the algorithm in the hash or in hashAlgo
builtins.convertHash { hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; toHashFormat = "sri"; }
