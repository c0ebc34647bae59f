import (builtins.toFile "x.nix" "1 + 1")
