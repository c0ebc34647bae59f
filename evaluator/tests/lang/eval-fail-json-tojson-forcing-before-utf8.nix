# toJSON evaluates the whole value before it writes it out, so an evaluation
# error comes before a name that is not UTF-8 (current Nix finds that only
# when writing; 2.8 does not check at all).
builtins.toJSON { "bÿ" = 1; z = throw "value forced"; }
