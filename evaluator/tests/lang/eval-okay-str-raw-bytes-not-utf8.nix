# A file that is not UTF-8: string literals and attribute names keep the raw bytes.
let s = "aÿþb"; t = ''xé''; in [ s (builtins.stringLength s) t (builtins.attrNames { "kþ" = 1; z = 2; }) (builtins.substring 1 1 s == "ÿ") ]
