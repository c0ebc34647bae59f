# A scopedImport scope that binds `builtins` hides the global in the file, so
# `builtins.length` there is not the global's.
[
  (scopedImport { builtins = { length = _: "scoped"; }; } ./data/uses-builtins.nix)
  (import ./data/uses-builtins.nix)
]
