[ ./xmlpath (builtins.toXML { a = 1; }) ]
