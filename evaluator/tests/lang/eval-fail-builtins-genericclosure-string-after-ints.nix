# The first key of another kind is compared with `<`: a string with integers
# is an error.
builtins.genericClosure {
  startSet = [ { key = 1; } { key = 2; } { key = "x"; } ];
  operator = _: [ ];
}
