builtins.mapAttrs (n: v: builtins.mapAttrs (n2: v2: v2 + 1) v) { a = { x = 1; }; b = { y = 2; }; }
