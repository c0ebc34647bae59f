# ''\ followed by any char yields that char
''a''\xb''\\c''
