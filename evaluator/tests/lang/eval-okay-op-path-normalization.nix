let d = toString ./.; rel = p: builtins.substring (builtins.stringLength d) 100 (toString p); in [ (rel ./a/../b) (rel ./a/./b) (rel ./a/b/..) (rel ./.) ]
