# captures of empty loop iterations, as libstdc++ records them
[ (builtins.match "(a|)*b" "aab") (builtins.match "(a?){2}" "a") (builtins.match "(a*)*" "") (builtins.match "((a)|b)+" "ab") (builtins.match "(a*)+" "aa") ]
