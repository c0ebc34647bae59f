# beyond-oracle: ./ and ../ paths and quoted URLs pass every lint (https://nix.dev/manual/nix/latest/command-ref/conf-file.html#conf-lint-short-path-literals)
[ (builtins.baseNameOf ./a/b) (builtins.baseNameOf ../c) "http://example.com" (builtins.isPath ./.) ]
