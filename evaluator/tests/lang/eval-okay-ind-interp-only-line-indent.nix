# an interpolation is not whitespace: it sets the indentation of its line
let x = "X"; in ''
  ${x}
    b
''
