assert true; "body"
