# beyond-oracle: current Nix lints only the start of an interpolated path (https://nix.dev/manual/nix/latest/command-ref/conf-file.html#conf-lint-short-path-literals)
let x = "b"; in builtins.baseNameOf a/${x}
