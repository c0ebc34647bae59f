# A search path miss is a thrown error: tryEval catches it.
[ (builtins.tryEval <does-not-exist>) (builtins.tryEval (builtins.findFile [ ] "x/y")) ]
