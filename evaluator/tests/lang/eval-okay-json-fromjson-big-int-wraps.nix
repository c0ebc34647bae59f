# Nix 2.8 reads an integer just above the int64 range as a wrapped-around int (current Nix errors)
builtins.fromJSON "9223372036854775808"
