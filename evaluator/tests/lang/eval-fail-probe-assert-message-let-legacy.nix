assert let { body = false; }; 1
