builtins.split "a{2,1}" "aa"
