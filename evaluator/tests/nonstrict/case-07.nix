{ a = { b = 1; }; c = builtins.map; d = builtins.add 1; }
