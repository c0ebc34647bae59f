# `x:x` with no space is a URI string, not a lambda
builtins.typeOf x:x
