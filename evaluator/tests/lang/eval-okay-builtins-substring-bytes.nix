# substring works on bytes, not characters
[ (builtins.substring 0 1 "é") (builtins.stringLength (builtins.substring 0 1 "é")) ]
