# A folded literal extended through a name written with a carriage return,
# which a string reads as a newline: the same name, so the values merge.
[
  { "a
" = { x = 1; y = 2; }; "a".z = 3; }
  { "b
" = { x = 1; y = [ 2 ]; }; "b
".z = 3; }
]
