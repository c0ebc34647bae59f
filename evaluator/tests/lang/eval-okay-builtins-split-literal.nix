# Expressions made only of literal bytes (found by a plain search), against
# their neighbours that need the automaton: escaped metacharacters, repeated
# bytes, overlapping occurrences, matches at both ends, and a group.
let s = builtins.split; in
[
  (s ";" ";a;;b;")
  (s "aa" "aaaaa")
  (s "a\\.b" "a.bxaxba.b")
  (s ", " "x, y,z, ")
  (s "ab" "")
  (s "(;)" "a;b")
  (s ";+" "a;;b;c")
  (s "é" "café é")
]
