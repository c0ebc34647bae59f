# beyond-oracle: current Nix (nlohmann::json) writes \b and \f as short escapes (2.8 wrote \u0008 and \u000c)
builtins.toJSON (builtins.fromJSON "\"\\b\\f\\u0001\\u007f\"")
