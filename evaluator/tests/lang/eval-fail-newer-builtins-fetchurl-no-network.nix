# beyond-oracle: this evaluator has no network access; fetchers fail with a clear message
builtins.fetchurl "https://example.org/x"
