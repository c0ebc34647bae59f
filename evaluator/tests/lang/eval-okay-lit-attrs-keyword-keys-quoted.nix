{ "if" = 1; "then" = 2; "let" = 3; "rec" = 4; "inherit" = 5; "or" = 6; }
