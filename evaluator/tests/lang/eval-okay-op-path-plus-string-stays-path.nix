builtins.typeOf (./data + "/text.txt")
