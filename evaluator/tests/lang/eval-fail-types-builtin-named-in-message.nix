# Type errors name the primop, as C++ Nix's showType does.
builtins.head + 1
