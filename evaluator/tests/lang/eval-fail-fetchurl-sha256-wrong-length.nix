# beyond-oracle: current Nix words a hash of the wrong length "for hash algorithm" where 2.8 said "for hash type" (src/libutil/hash.cc)
builtins.fetchurl { url = "https://example.com/x"; sha256 = "abc"; }
