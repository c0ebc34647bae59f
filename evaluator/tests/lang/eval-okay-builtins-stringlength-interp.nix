builtins.stringLength "${"ab"}${"cd"}"
