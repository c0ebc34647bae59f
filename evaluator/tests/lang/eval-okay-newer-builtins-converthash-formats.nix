# beyond-oracle: builtins.convertHash (Nix >= 2.19); values checked with `nix hash to-base32/to-base64/to-sri` (Nix 2.8)
let h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; in
map (f: builtins.convertHash { hash = h; hashAlgo = "sha256"; toHashFormat = f; }) [ "base16" "nix32" "base32" "base64" "sri" ]
++ map (x: builtins.convertHash { hash = x; toHashFormat = "base16"; }) [ "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73" "sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" "sha256:${h}" ]
++ [ (builtins.convertHash { hash = "sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00="; toHashFormat = "nix32"; }) ]
