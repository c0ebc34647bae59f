let x = { self = x; }; in builtins.deepSeq x "ok"
