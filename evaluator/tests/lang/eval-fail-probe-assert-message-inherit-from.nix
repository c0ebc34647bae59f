# beyond-oracle: current Nix shows inherit (from) bindings as written, grouped before the other attributes (https://github.com/NixOS/nix/blob/master/src/libexpr/nixexpr.cc, ExprAttrs::showBindings)
assert { inherit (builtins) true; }.true == false; 1
