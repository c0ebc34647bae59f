map builtins.typeOf (builtins.attrValues (builtins.fromTOML ''
  a = 1.0
  b = 3e2
''))
