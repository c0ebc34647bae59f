"n:\n t:\t r:\r bs:\\ q:\" d:\${x}"
