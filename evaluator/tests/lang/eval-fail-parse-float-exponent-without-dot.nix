# `1e20` is the integer 1 applied to the variable e20
1e20
