# beyond-oracle: current Nix lints URL literals (https://nix.dev/manual/nix/latest/command-ref/conf-file.html#conf-lint-url-literals)
[ "ok" http://example.com ]
