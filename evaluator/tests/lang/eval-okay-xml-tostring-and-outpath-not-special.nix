# toXML shows sets with __toString or outPath as plain sets
builtins.toXML { outPath = "/o"; __toString = x: "s"; }
