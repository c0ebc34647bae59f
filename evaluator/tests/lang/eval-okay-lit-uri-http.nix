http://x.org/a
