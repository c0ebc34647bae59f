let d = toString ./.; in builtins.stringLength (toString ./..) < builtins.stringLength d
