# The predicate's result must be a Boolean.
builtins.any (x: x) [ false 1 true ]
