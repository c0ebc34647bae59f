builtins.toJSON { z = { y = [ { x = [ ]; } ]; }; a = { }; }
