builtins.unsafeDiscardStringContext { outPath = "x"; }
