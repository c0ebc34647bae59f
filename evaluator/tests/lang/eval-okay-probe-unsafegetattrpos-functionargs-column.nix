(builtins.unsafeGetAttrPos "a" (builtins.functionArgs ({ a }: a))).column
