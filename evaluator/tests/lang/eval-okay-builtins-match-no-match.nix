[ (builtins.match "b" "abc") (builtins.match "abc" "abcd") ]
