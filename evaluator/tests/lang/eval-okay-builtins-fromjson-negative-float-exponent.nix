builtins.fromJSON "-1.5e-3"
