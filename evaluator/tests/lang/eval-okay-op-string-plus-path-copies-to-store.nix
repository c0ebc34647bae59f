let s = "x" + ./data/text.txt; in [ (builtins.typeOf s) (builtins.substring 0 12 s) (builtins.hasContext s) ]
