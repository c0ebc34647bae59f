# beyond-oracle: builtins.flakeRefToString (Nix >= 2.16 with flakes); example from the Nix manual
[ (builtins.flakeRefToString { dir = "lib"; owner = "NixOS"; ref = "23.05"; repo = "nixpkgs"; type = "github"; }) (builtins.flakeRefToString { type = "path"; path = "/foo"; }) (builtins.flakeRefToString { type = "git"; url = "https://example.org/repo"; ref = "main"; }) ]
