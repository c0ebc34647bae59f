# a dash after a range is neither a range nor a literal in POSIX brackets
builtins.match "[a-z-0]" "a"
