# two plain attrset literals for the same name are merged (2.8)
{ a = { b = 1; }; a = { c = 2; }; }
