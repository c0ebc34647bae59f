{ a = [ 1 { b = null; c = [ true "x" ]; } ]; d = { e = { f = 1.5; }; }; }
