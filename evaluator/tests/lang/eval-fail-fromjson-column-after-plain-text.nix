# The column of a JSON error counts the plain text read before it.
builtins.fromJSON "[ {\"name\": \"a plain run of text\", \"other key\": \"more plain text\tthen a tab\"} ]"
