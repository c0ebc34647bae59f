# text on the first line counts as zero indentation
''first
    second
''
