(builtins.unsafeGetAttrPos "a" { inherit ({ a = 1; }) a; }).column
