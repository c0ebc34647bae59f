let r = builtins.tryEval { a = throw "x"; b = [ (throw "y") ]; }; in [ r.success (builtins.attrNames r.value) (builtins.tryEval r.value.a) (builtins.tryEval (builtins.deepSeq r.value.b 1)) ]
