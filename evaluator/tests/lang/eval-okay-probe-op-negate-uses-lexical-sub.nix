let __sub = a: b: [ a b ]; in -5
