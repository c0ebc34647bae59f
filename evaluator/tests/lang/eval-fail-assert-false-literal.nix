assert false; "x"
