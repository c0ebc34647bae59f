let
  mkDerivation = { name, buildInputs ? [ ], ... }@args:
    derivation (removeAttrs args [ "buildInputs" ] // {
      system = "x86_64-linux";
      builder = "/bin/sh";
      args = [ "-c" "echo building ${name}" ];
      PATH = builtins.concatStringsSep ":" (map (d: "${d}/bin") buildInputs);
    });
  lib = mkDerivation { name = "lib-1.0"; };
  app = mkDerivation { name = "app-2.0"; buildInputs = [ lib ]; version = "2.0"; };
in [ app.drvPath app.outPath lib.outPath app.version ]
