# A selection from `builtins` in a lazy position is a thunk, as in C++ Nix,
# though the compiler knows its value (the global set cannot change).
({ d ? builtins.map, e ? (builtins.head), f ? builtins.nope or 1 }: {
  inherit d e f;
  w = with { builtins = 1; }; builtins.length;
  x = builtins.map;
}) { }
