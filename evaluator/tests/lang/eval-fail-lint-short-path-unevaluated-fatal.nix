# beyond-oracle: current Nix lints relative path literals without ./ (https://nix.dev/manual/nix/latest/command-ref/conf-file.html#conf-lint-short-path-literals)
let unused = test/subdir; in 1
