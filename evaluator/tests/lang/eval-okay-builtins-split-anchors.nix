[ (builtins.split "^a|b*" "ca") (builtins.split "a$|b" "abba") (builtins.split "^" "ab") (builtins.split "$" "ab") (builtins.split "a*" "baaac") (builtins.split "" "") ]
