[ (builtins.parseDrvName "foo-") (builtins.parseDrvName "-1") (builtins.parseDrvName "foo--1") (builtins.parseDrvName "foo-.1") (builtins.parseDrvName "foo-é") ]
