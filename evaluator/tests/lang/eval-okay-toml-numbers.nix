builtins.fromTOML ''
  hex = 0xff
  oct = 0o17
  bin = 0b101
  under = 1_000_000
  neg = -42
  plus = +7
  flt = 6.626e-34
  fltu = 9_224_617.445_991
''
