builtins.filterSource (throw "filter") "relative"
