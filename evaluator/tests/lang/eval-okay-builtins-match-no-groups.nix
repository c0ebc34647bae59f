builtins.match "a.c" "abc"
