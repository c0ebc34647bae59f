# `==` treats the very same value cell as equal after forcing it, primops
# included: that is why `builtins == builtins` holds.
let m = builtins.map; s = { x = builtins; }; f = builtins.add 1; in
[ (builtins == builtins) (s.x == s.x) ([ m ] == [ m ]) ([ f ] == [ f ])
  (builtins.map == builtins.map) ([ builtins.map ] == [ builtins.map ])
  ({ g = builtins.map; } == { g = builtins.map; }) ]
