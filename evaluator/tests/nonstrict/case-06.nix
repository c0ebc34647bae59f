[ 1.5 "a" null true (1 + 1) ]
