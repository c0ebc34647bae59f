# libstdc++ POSIX mode: a greedy repetition stops at its first success (not leftmost-longest)
[ (builtins.split "(a*)(ab)?" "ab") (builtins.split "(x|(a*)(ab)?)" "ab") ]
