builtins.attrValues (builtins.mapAttrs (n: v: n) { x = 1; y = 2; })
