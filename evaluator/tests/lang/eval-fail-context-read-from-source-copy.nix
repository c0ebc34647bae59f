builtins.readFile "${./data/dir}/sub/keep.txt"
