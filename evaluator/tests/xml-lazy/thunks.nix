# Without --strict only what is evaluated prints; the rest is <unevaluated />.
let x = 1 + 1; in { a = 1; b = x; c = [ x (x + 1) "s" ]; f = y: y; g = { z ? 1, ... }@args: z; n = null; }
