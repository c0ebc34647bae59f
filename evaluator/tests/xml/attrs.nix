{ a = [ 1 2.5 "x" null true ]; b = { c = "d\"<>&"; }; f = x: x; g = { a, b ? 1, ... }@args: a; }
