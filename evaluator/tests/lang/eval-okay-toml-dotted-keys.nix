builtins.fromTOML ''
  a.b.c = 1
  "quoted key" = 2
  a.d = 3
''
