# beyond-oracle: current Nix counts deepSeq's walk over nested data against max-call-depth (https://github.com/NixOS/nix/blob/master/tests/functional/lang/eval-fail-deepseq-stack-overflow.nix); without the setting, deep data is walked without limit here
let
  chain = builtins.foldl' (tail: head: { inherit head tail; }) null (builtins.genList (x: x) 3000);
in
builtins.deepSeq chain "walked"
