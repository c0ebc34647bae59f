let { body = a; a = b; b = "rec"; }
