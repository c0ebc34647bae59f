[ (map (x: x + 1) [ 1 ]) (toString 1) (baseNameOf "a/b") (isNull null) (removeAttrs { a = 1; } [ "a" ]) ]
