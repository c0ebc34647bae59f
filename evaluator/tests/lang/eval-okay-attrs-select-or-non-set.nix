# selecting from a non-set with `or` yields the default
{ a = 1; }.a.b or 2
