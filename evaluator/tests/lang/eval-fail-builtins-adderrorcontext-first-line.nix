builtins.addErrorContext "extra context" (throw "inner message")
