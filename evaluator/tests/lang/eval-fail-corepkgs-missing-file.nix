import <nix/buildenv.nix>
