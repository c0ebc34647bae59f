# A float's exponent needs digits; otherwise the `e`/`E` (with a sign) starts
# an identifier, as C++ Nix's lexer splits it.
let e = 2; E = 3; e-x = 4; in [ 1.5e 2.E .5e 1.5e-x 1.5e3 2.e1 ]
