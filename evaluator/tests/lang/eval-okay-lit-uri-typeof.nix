builtins.typeOf https://example.com/path?q=1&r=2
