assert { a = 1; }.a or 2 == 3 && !true; 1
