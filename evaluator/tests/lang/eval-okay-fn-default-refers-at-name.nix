(args@{ a ? args.b, b }: a) { b = "from-args"; }
