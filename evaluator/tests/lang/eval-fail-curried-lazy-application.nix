# An error inside a function `mapAttrs` applies is reported where it happens.
(builtins.mapAttrs (n: v: v.missing) { a = { }; }).a
