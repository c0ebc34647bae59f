builtins.filterSource "not a function" ./data
