builtins.match "(a{1000}){1000}" "a"
