let safe = x: let r = builtins.tryEval x; in if r.success then r.value else "fallback"; in [ (safe 1) (safe (throw "e")) ]
