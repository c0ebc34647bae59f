[ (builtins.toXML [ "a\nb\tc\r>\"'&<" builtins.map (builtins.map (x: x)) 1.0e20 0.1 (-1) /some/absolute/path ]) (builtins.toXML { "a\"b" = "<&>"; }) ]
