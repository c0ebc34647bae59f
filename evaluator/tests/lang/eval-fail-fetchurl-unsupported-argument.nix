builtins.fetchurl { url = "https://example.com/x"; mirror = true; }
