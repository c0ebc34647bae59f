# Unmatched runs between replacements are copied whole: patterns at the
# edges, patterns sharing a first byte (the earlier one in the list wins),
# multi-byte characters, a pattern longer than the rest of the input, and an
# empty pattern after others.
let r = builtins.replaceStrings; in
[
  (r [ "ab" "a" ] [ "X" "Y" ] "abaabxa")
  (r [ "a" "ab" ] [ "Y" "X" ] "abaab")
  (r [ "é" "ü" ] [ "e" "u" ] "héllo wörld, grüße")
  (r [ "xyz" ] [ "!" ] "xyzzy xy")
  (r [ "--" "" ] [ "+" "." ] "a--b-")
  (r [ "," ";" ] [ ";" "," ] ",a;b,,;")
  (r [ "aaa" ] [ "b" ] "aaaaaaa")
  (r [ "q" ] [ "Q" ] "no match here")
  (r [ "line" ] [ "L" ] "line\nline\n")
]
