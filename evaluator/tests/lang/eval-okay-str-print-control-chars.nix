# control characters other than \n \t \r are printed raw
builtins.fromJSON "\"a\\u0001b\\u001fc\\u007fd\""
