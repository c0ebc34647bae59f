[ (builtins.match "[[:alpha:]]+" "abcXYZ") (builtins.match "[[:digit:]]+" "0123") (builtins.match "[[:upper:]][[:lower:]]*" "Hello") (builtins.match "[[:alnum:]_]+" "a_1") ]
