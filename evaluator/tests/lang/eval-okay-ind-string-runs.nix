# Indented strings read line by line in runs (compiler/strings.rs): single
# quotes that are not `''`, multi-byte text at a line's start and inside it,
# tabs, escapes and interpolations where indentation ends, a last line of spaces.
let x = "X"; in
[
  ''
    it's one 'quote' and ''' two
      é starts this line, ünïcode inside
    	tab after spaces
    ''${x} escaped, ${x} interpolated ''\t escape
  ${x} starts a line
      trailing
    ''
  ''a'b'c''
  ''
     ü''
  ''

   lone   ''
]
