[ (builtins.splitVersion "1.2é3") (builtins.splitVersion "..-1") (builtins.splitVersion "1a2b") ]
