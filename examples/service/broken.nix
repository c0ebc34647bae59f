# Like config.nix, with a mistake: the second server's port is a string.
let
  lib = import ./lib.nix;
  defaults = import ./defaults.nix;
in
lib.recursiveUpdate defaults {
  name = "billing";
  servers = [
    (lib.mkServer "public" 443)
    { name = "admin"; port = "8443"; tls = false; }
  ];
}
