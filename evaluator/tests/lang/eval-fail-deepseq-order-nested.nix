# deepSeq walks each set in symbol order, depth first.
builtins.deepSeq { q = { y = throw "q.y"; x = throw "q.x"; }; p = throw "p"; } null
