# beyond-oracle: Nix >= 2.24 makes signed integer overflow an error (Nix 2.8 wraps around); message from the 2.24 release notes
9223372036854775807 + 1
