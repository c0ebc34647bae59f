# An assertion's message shows its condition, folded literals included.
assert { a = 1; b = [ "x" { c = 2; } ]; } == { a = 1; b = [ "x" { c = 3; } ]; }; 1
