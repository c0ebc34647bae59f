# regular expressions work on bytes, not characters
[ (builtins.match "..?" "é") (builtins.match "[^a]" "é") (builtins.match "[é]+" "é") (builtins.split "é" "aébéc") (builtins.match "[[:alpha:]]" "é") ]
