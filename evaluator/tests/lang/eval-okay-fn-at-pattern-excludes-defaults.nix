# the @-bound set is the argument as passed: defaults are not added
(args@{ a ? 1, b ? 2 }: args) { b = 3; }
