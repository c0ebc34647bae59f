# the with expression is only forced when a variable is looked up through it
with 1; 2
