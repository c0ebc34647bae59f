let a = "outer"; in ({ a ? "default" }: a) { }
