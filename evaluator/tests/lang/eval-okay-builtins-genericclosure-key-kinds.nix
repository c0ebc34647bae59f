# Keys of one plain kind are kept without evaluation; the first key of
# another kind switches to comparing with `<` (ints and floats compare with
# each other, lists element by element); -0.0 and 0.0 are one key.
let
  closure = startSet: map (x: x.key) (builtins.genericClosure {
    inherit startSet;
    operator = x: x.next or [ ];
  });
in
[
  (closure [ { key = 3; } { key = 1; } { key = 3; } { key = 2; } ])
  (closure [ { key = 1.5; } { key = -0.0; } { key = 0.0; } { key = 1.5; } ])
  (closure [ { key = "b"; next = [ { key = "c"; } { key = "a"; } ]; } { key = "a"; } { key = "b"; } ])
  (closure [ { key = 1; } { key = 2; } { key = 2.0; } { key = 1.5; } { key = 3; } { key = 1.0; } ])
  (closure [ { key = 2.0; } { key = 2; } { key = 3; } ])
  (closure [ { key = [ 1 2 ]; } { key = [ 1 ]; } { key = [ 1 2 ]; } { key = [ ]; } ])
]
