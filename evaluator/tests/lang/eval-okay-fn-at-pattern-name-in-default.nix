(s@{ a ? 1, ... }: builtins.attrNames s) { b = 2; }
