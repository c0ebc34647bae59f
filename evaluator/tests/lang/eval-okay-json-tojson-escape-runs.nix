# toJSON copies the text between escapes as runs: escapes at the start, at
# the end, next to each other, between multi-byte characters, and control
# characters with and without a short form.
builtins.toJSON [
  "\"quoted\""
  "a\\b"
  "\ttab at the start"
  "newline at the end\n"
  ""
  "é ü ∀ mixed \"\\\" runs"
  "\r\n\r\n"
  (builtins.fromJSON "\"\\u0001x\\u001fy\"")
  { "key \"with\" quotes" = "value\twith\ttabs"; }
]
