[ (builtins.replaceStrings [ "" ] [ "X" ] "") (builtins.replaceStrings [ "a" ] [ "b" ] "") ]
