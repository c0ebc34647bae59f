# a -> b -> c parses as a -> (b -> c)
[ (false -> false -> false) (true -> false -> false) ]
