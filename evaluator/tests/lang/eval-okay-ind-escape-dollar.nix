''
  ''${not interpolated}
  $a
''
