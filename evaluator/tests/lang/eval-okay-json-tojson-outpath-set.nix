builtins.toJSON { outPath = "via-outpath"; other = 1; }
