# beyond-oracle: builtins.addDrvOutputDependencies (Nix >= 2.19) turns a plain .drv context into an all-outputs one
let drv = "/nix/store/00000000000000000000000000000000-a.drv"; s = builtins.unsafeDiscardOutputDependency (builtins.appendContext "x" { ${drv} = { allOutputs = true; }; }); in
[ (builtins.getContext s) (builtins.getContext (builtins.addDrvOutputDependencies s)) ]
