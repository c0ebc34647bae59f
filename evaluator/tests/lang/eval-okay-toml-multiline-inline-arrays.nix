# multi-line arrays are fine inside an inline table, as are brackets and # in strings
builtins.fromTOML "a = { b = [\n1,\n2,\n], c = \"# [ {\" }\n\"k.e.y\" = 'x}'"
