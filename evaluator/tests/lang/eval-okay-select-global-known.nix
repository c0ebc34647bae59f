# `builtins.name` is known when compiling unless `builtins` is bound by the
# code (`with` does not hide a global); a missing name is still looked up.
let
  viaWith = with { builtins = { length = _: "with"; }; }; builtins.length [ 1 2 ];
  shadowed = let builtins = { length = _: "local"; }; in builtins.length [ 1 2 ];
  argument = (builtins: builtins.length [ 1 2 ]) { length = _: "argument"; };
  formal = ({ builtins ? { length = _: "default"; } }: builtins.length [ 1 ]) { };
  missing = builtins.nope or "fallback";
  nested = builtins.builtins.length [ 1 ];
  recursive = rec { builtins = { head = _: "rec"; }; h = builtins.head [ 1 ]; }.h;
in [ viaWith shadowed argument formal missing nested recursive (builtins.head [ 7 ]) ]
