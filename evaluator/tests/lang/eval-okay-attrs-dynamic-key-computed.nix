{ ${"a" + "b"} = 1; ${builtins.head [ "c" ]} = 2; }
