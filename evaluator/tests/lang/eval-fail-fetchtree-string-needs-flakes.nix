# beyond-oracle: current Nix accepts a URL string in fetchTree only with the flakes feature (src/libexpr/primops/fetchTree.cc)
builtins.fetchTree "https://example.com/x.tar.gz"
