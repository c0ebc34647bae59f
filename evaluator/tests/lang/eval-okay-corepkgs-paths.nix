# `<nix/…>` falls back to /__corepkgs__ when the search path lacks it; only
# fetchurl.nix exists there.
[ <nix/fetchurl.nix> <nix/other.nix> (builtins.pathExists <nix/fetchurl.nix>)
  (builtins.functionArgs (import <nix/fetchurl.nix>))
  (builtins.typeOf (import /__corepkgs__/fetchurl.nix))
  (builtins.tryEval (builtins.findFile [ ] "nix")).success ]
