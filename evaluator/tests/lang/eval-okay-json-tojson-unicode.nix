builtins.toJSON "é ✓ /slash"
