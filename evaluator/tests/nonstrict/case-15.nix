rec { x = { y = x; }; }
