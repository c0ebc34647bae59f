let s = { f = x: x; }; in [ s.f ] == [ s.f ]
