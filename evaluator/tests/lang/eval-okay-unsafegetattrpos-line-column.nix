let s = {
  a = 1;
    bb = 2;
}; in [ (builtins.unsafeGetAttrPos "a" s).line (builtins.unsafeGetAttrPos "a" s).column (builtins.unsafeGetAttrPos "bb" s).line (builtins.unsafeGetAttrPos "bb" s).column ]
