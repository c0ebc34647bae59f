builtins.filter (s: builtins.stringLength s > 1) [ "aa" "b" "cc" "d" "ee" ]
