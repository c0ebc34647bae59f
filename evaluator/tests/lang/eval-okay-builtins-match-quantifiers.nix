[ (builtins.match "a{2,3}" "aaa") (builtins.match "a{2,3}" "aaaa") (builtins.match "(x+)(y*)" "xxx") ]
