{ a = rec { x = 1; y = x + 1; }; }
