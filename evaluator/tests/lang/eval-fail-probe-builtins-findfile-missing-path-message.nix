builtins.findFile [ { prefix = "a"; } ] "a/p"
