(builtins.tryEval [ (throw "deep") ]).success
