let a = { x = throw "x"; }; in a == a
