# interpolating a string into a path builds a path
let d = toString ./.; p = ./a/${"b"}/c; in [ (builtins.typeOf p) (builtins.substring (builtins.stringLength d) 100 (toString p)) ]
