let d = toString ./.; p = ./a + "b"; in [ (builtins.typeOf p) (builtins.substring (builtins.stringLength d) 100 (toString p)) ]
