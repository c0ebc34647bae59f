let d = toString ./.; p = ./a + ./b; in builtins.replaceStrings [ d ] [ "<dir>" ] (toString p)
