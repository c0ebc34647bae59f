# comparison stops at the first differing element
[ 1 (throw "no") ] < [ 2 (throw "no") ]
