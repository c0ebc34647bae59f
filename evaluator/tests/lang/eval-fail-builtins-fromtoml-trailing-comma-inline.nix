# TOML 1.0 (as in C++ Nix): no trailing comma in an inline table
builtins.fromTOML "a = { b = 1, }"
