builtins.toJSON { __toString = self: "via-tostring"; }
