# `==` compares attributes in storage order too: the first failure wins.
{ second = throw "second"; first = throw "first"; } == { second = 1; first = 2; }
