builtins.trace "message on stderr" 42
