# true/false/null are ordinary variables in the builtins scope
[ builtins.true builtins.false builtins.null ]
