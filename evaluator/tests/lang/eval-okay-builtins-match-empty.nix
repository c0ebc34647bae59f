[ (builtins.match "" "") (builtins.match "()" "") ]
