builtins.fetchurl { name = "x"; }
