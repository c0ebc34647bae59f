builtins.intersectAttrs { a = throw "not used"; } { a = "second"; }
