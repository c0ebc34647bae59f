{ inherit (builtins) ''map''; }
