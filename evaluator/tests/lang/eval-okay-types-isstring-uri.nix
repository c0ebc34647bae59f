builtins.isString http://example.org
