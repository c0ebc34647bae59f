let x = builtins.trace "once" 5; in x + x
