# TOML 1.0 has no \e escape
builtins.fromTOML "a = \"\\e\""
