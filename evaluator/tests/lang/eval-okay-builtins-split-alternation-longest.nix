# libstdc++ POSIX mode: an alternation tries both branches and keeps the longer match
[ (builtins.split "(a|ab)" "xabx") (builtins.split "(a|ab)(c|bcd)(d*)" "abcd") (builtins.split "(aa|a)(a|aa)" "aaaa") ]
