# beyond-oracle: builtins.addDrvOutputDependencies (Nix >= 2.19) needs exactly one context element
builtins.addDrvOutputDependencies ""
