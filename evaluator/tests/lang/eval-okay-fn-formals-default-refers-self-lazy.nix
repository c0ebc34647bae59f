# a default that refers to its own name loops only if used
({ a ? a }: 1) { }
