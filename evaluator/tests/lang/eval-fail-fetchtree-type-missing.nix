# beyond-oracle: current Nix fetchTree needs a type attribute (src/libexpr/primops/fetchTree.cc)
builtins.fetchTree { url = "https://example.com/x"; }
