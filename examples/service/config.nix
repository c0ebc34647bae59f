let
  lib = import ./lib.nix;
  defaults = import ./defaults.nix;
in
lib.recursiveUpdate defaults {
  name = "billing";
  log.level = "debug";
  servers = [ (lib.mkServer "public" 443) (lib.mkServer "admin" 8443) ];
  # Never evaluated: the Rust type has no such field.
  experimental = throw "not ready";
  # Never evaluated either: a sum over ten million numbers nobody reads.
  report = builtins.foldl' builtins.add 0 (builtins.genList (i: i) 10000000);
}
