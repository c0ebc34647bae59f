let e = [ ]; a = { }; in [ e e a a ]
