# __toString wins over outPath; the result of __toString is used as is
builtins.toJSON [ { outPath = "o"; __toString = s: "t"; } { outPath = { outPath = "nested"; }; } ]
