# imported files do not see the importer's let bindings
let x = 1; in import ./data/uses-x.nix
