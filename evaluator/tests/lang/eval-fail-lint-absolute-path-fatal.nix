# beyond-oracle: current Nix lints absolute path literals at parse time (https://nix.dev/manual/nix/latest/command-ref/conf-file.html#conf-lint-absolute-path-literals)
/tmp/foo
