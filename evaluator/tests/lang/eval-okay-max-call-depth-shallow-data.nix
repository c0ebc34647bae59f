# beyond-oracle: data nested less deeply than max-call-depth is walked as usual
let
  chain = builtins.foldl' (tail: head: { inherit head tail; }) null (builtins.genList (x: x) 500);
in
[ (builtins.deepSeq chain "walked") (builtins.stringLength (builtins.toJSON chain)) ]
