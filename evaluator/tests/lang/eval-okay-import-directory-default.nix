import ./data/dir
