builtins.fromJSON "[1.e5]"
