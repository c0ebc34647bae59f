''
  '''quoted'''
''
