# an `or` default does not catch a null dynamic key
{ a = 1; }.${null} or 5
