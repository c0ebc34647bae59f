# only spaces count as indentation; tabs are kept
''
	tab
  space
''
