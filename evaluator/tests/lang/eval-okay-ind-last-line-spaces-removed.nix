# a final line of only spaces is removed
''
  a
  ''
