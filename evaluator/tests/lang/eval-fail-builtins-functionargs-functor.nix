builtins.functionArgs { __functor = s: { a }: a; }
