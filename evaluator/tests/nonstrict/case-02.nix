rec { a = 1; b = a; c = d; d = 2; }
