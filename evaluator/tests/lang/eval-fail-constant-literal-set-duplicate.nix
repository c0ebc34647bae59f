# A duplicate attribute in a set of literals is still reported once, where
# it is written.
{ x = { a = 1; b = "two"; a = 3; }; }
