# comment
1 # trailing comment
