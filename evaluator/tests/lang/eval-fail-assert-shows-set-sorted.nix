# Assertion messages print a set's attributes sorted by name, quoting names
# that are not identifiers.
assert { b = 1; "a b" = 2; c.y = 1; c.x = 2; } == { }; 1
