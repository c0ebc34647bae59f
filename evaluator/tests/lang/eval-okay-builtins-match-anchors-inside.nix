[ (builtins.match "(^a)*" "aa") (builtins.match "(a|^b)+" "ba") (builtins.match "a(^b)?" "a") (builtins.match "a$|b" "a") ]
