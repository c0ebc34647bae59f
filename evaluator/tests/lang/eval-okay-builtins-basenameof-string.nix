[ (baseNameOf "a/b/c") (baseNameOf "/a/b/") (baseNameOf "abc") (baseNameOf "") (baseNameOf "/") (baseNameOf "a//") ]
