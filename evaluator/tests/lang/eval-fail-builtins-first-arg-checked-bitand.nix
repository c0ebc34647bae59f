builtins.bitAnd { } (throw "second")
