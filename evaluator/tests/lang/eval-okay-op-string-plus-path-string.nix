"prefix-" + baseNameOf ./file.txt
