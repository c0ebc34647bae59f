[ (builtins.match "a\\.b" "a.b") (builtins.match "a\\.b" "axb") (builtins.match "[^a]+" "bcd") (builtins.match "(a|b)*c" "ababc") ]
