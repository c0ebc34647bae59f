({ a ? 3, b ? "s", c ? a }: [ a b c ]) {}
