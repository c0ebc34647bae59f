builtins.hashFile "md5" "${toString ./data/text.txt}"
