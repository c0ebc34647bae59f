# -nan keeps its sign, -0.0 is printed as -0, strings end at NUL
builtins.fromTOML "a = -nan\nb = +inf\nc = -0.0\nd = \"\\u0000x\"\ne = \"y\\u0000\""
