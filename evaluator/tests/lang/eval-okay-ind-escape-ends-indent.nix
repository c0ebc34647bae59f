''
  a
  ''\t  b
    c''$d
''
