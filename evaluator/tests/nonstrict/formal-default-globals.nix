# A default that names a global (null, true, map) is shared like any variable, not thunked.
({ x ? (1 + 1), a ? null, b ? true, c ? map, d ? builtins.map, e ? "s" }@args: { inherit a b c d e x; }) { }
