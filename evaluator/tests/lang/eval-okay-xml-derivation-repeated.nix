# derivations print their attributes once per drvPath; without a string drvPath they are <repeated />
[ (builtins.toXML { type = "derivation"; drvPath = "/d"; outPath = "/o"; x = 1; y = { type = "derivation"; drvPath = "/d"; z = 1; }; }) (builtins.toXML { type = "derivation"; outPath = 5; }) (builtins.toXML { type = "derivation"; drvPath = ""; }) ]
