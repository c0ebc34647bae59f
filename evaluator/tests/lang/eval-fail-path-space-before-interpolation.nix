# A space ends a path: the `${` after it is a token no expression may be
# followed by (rnix took it for part of the path).
{ a = ./p ${"x"}; }
