let s = { a = 1; }; in [ s (builtins.removeAttrs s [ ]) ]
