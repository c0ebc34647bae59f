# Integer division truncates toward zero, whatever the signs, also when the
# operands come from variables and thunks (the VM's in-place path).
let
  xs = [ 7 (-7) 0 9223372036854775807 (-9223372036854775807) ];
  ys = [ 2 (-2) 3 (-1) 1 ];
in map (x: map (y: x / y) ys) xs
