builtins.substring "0" (throw "second") "abc"
