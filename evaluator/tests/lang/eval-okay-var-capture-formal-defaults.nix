# Defaults may refer to each other in any order, to the `@` binding and to
# outer variables; earlier formals and outer variables are shared.
let
  o = 5;
  f = { a ? b + 1, b ? c * 2, c ? o, d ? a, ... }@args: [ a b c d (args.z or null) ];
  g = { x ? y, y ? 1 }: x;
in [ (f { }) (f { c = 1; }) (f { b = 0; z = 3; }) (g { }) ]
