let map = 1; in map
