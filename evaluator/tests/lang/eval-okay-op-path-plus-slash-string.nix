let d = toString ./.; p = ./a + "/b"; in builtins.substring (builtins.stringLength d) 100 (toString p)
