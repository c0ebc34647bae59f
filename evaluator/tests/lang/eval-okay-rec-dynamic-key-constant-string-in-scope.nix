# `${"a"}` with a constant string is treated as a static attribute
rec { ${"a"} = 1; b = a; }
