# values in sets/lists compared by pointer first: the same function value compares equal
let f = x: x; in [ ({ a = f; } == { a = f; }) ([ f ] == [ f ]) ]
