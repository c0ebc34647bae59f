let s = { x.y = 1; }; in (builtins.unsafeGetAttrPos "x" s).column
