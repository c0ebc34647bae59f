builtins.toJSON [ "" "a" ]
