# sets with type = "derivation" are compared by outPath only
({ type = "derivation"; outPath = "x"; a = 1; } == { type = "derivation"; outPath = "x"; a = 2; })
