builtins.fromJSON "[[], {}, \"\"]"
