builtins.fromTOML ''
  # comment
  a = 1 # trailing
''
