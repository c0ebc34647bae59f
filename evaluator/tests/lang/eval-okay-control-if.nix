[ (if true then "y" else "n") (if false then "y" else "n") (if 1 < 2 then 1 else 2) ]
