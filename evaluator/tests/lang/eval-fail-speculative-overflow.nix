# beyond-oracle: Nix >= 2.24 makes signed integer overflow an error (Nix 2.8 wraps around); a thunk whose operation would overflow runs as code and fails when forced
let
  x = 9223372036854775807;
  f = y: { s = x * y; };
in builtins.seq x (f 2).s
