let f = x: x; in builtins.elem f [ 1 f ]
