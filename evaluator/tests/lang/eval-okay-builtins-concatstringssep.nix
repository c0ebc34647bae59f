[ (builtins.concatStringsSep ", " [ "a" "b" "c" ]) (builtins.concatStringsSep "-" [ ]) (builtins.concatStringsSep "-" [ "x" ]) (builtins.concatStringsSep "" [ "a" "b" ]) ]
