assert { inherit (builtins) true; }.true == false; 1
