let d = toString ./.; p = ./a + "/../c/./d"; in builtins.substring (builtins.stringLength d) 100 (toString p)
