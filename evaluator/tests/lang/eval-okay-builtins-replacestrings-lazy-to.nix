# beyond-oracle: current Nix evaluates a replacement only when its pattern matches (2.8 forced them all)
[ (builtins.replaceStrings [ "a" "b" ] [ "c" (throw "unused") ] "a")
  (builtins.tryEval (builtins.replaceStrings [ "a" "b" ] [ "c" (throw "used") ] "ab")).success ]
