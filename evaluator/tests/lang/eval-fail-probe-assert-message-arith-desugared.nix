assert 2 * 3 / 4 - 1 == 5; 1
