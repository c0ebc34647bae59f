# TOML 1.0: an inline table stays on one line
builtins.fromTOML "a = {\n}"
