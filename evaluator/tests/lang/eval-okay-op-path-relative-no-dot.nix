let d = toString ./.; in builtins.substring (builtins.stringLength d) 100 (toString a/b)
