# integers beyond 64 bits are read as floats
map builtins.typeOf [ (builtins.fromJSON "18446744073709551616") (builtins.fromJSON "-9223372036854775809") (builtins.fromJSON "-9223372036854775808") ]
