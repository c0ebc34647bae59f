# A name the global set lacks fails where it is selected.
let f = x: builtins.nope x; in f 1
