# escaping an ordinary character is an error in extended syntax
builtins.match "\\d+" "1"
