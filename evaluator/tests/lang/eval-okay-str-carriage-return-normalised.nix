# Raw CR and CR LF in "..." strings become LF; indented strings keep them.
[ "ab" "c
d" "e\rf" ''gh
i'' "${"x"}
" ]
