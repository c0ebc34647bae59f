let d = toString ./.; p = builtins.findFile [ { prefix = "d"; path = ./data; } ] "d/text.txt"; in [ (builtins.typeOf p) (builtins.substring (builtins.stringLength d) 100 (toString p)) ]
