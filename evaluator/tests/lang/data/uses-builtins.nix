# Uses `builtins`, which the scope of a scopedImport may replace.
builtins.length [ 1 2 ]
