builtins.fromTOML ''
  basic = "tab\there \u00e9 q\""
  literal = 'C:\path'
  multi = """
  line1
  line2"""
''
