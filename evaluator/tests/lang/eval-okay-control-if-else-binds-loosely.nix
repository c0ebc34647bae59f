# the else branch extends as far right as possible
if false then 1 else 2 + 3
