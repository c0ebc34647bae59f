# The name `z` is first written in the let, so C++ Nix stores it before `a`
# and forces it first.
let z = 1; in { a = throw "a"; z = throw "z" + toString z; }
