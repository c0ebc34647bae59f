let xs = [ "a" "b" "c" ]; in builtins.genList (i: "${toString i}:${builtins.elemAt xs i}") (builtins.length xs)
