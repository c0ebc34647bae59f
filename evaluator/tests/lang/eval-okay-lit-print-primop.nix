[ builtins.add builtins.map ]
