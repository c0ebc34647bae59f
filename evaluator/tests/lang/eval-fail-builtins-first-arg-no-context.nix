# A regex (like an attribute name or hash algorithm) must not carry context;
# that is checked before the next argument is forced.
builtins.split (derivation { name = "d"; builder = "b"; system = "s"; }).outPath (throw "second")
