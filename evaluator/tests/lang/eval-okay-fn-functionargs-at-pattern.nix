builtins.functionArgs (s@{ x, y ? 1 }: x)
