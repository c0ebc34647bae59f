[ (builtins.splitVersion "1.2.3") (builtins.splitVersion "1.2a-pre3") (builtins.splitVersion "") (builtins.splitVersion "abc") (builtins.splitVersion "1..2") ]
