# -nan keeps its sign, -0.0 is printed as -0
builtins.fromTOML "a = -nan\nb = +inf\nc = -0.0"
