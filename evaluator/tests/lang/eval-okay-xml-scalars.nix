builtins.toXML [ 1 1.5 "x<y&z\"" false null ]
