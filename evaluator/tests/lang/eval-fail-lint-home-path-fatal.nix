# beyond-oracle: current Nix lints home path literals as absolute ones (https://nix.dev/manual/nix/latest/command-ref/conf-file.html#conf-lint-absolute-path-literals)
~/foo
