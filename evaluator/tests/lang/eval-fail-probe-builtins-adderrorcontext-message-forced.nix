builtins.addErrorContext (throw "a") (throw "b")
