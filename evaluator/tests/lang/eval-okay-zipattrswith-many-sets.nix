# Values keep list order per name, names come out sorted, whether the sets
# are already evaluated or still thunks when zipAttrsWith runs.
let
  sets = builtins.genList (i: { "${toString (i - i / 3 * 3)}" = i; z = i; "a${toString i}" = i; }) 7;
  forced = builtins.seq (builtins.foldl' (n: s: n + s.z) 0 sets) sets;
  f = n: v: [ n v ];
in [
  (builtins.zipAttrsWith f sets)
  (builtins.zipAttrsWith f forced)
  (builtins.zipAttrsWith f [ { b = 1; } { } { a = 2; b = 3; } ])
]
