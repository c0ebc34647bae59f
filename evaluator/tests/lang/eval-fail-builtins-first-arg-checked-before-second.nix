# C++ Nix checks a primop's first argument before it forces the second.
builtins.concatStringsSep { x = 1; } (throw "second")
