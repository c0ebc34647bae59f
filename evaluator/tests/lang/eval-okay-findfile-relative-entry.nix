# A relative search path entry is relative to the working directory (the
# corpus runs from its own directory).
[ (import (builtins.findFile [ { prefix = ""; path = "data"; } ] "simple.nix"))
  (builtins.pathExists (builtins.findFile [ { prefix = "d"; path = "./data/"; } ] "d/simple.nix")) ]
