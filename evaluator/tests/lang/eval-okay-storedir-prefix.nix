builtins.substring 0 5 builtins.storeDir
