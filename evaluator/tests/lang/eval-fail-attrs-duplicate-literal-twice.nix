# beyond-oracle: since Nix 2.24 two set literals for one name merge recursively and a clash names the full path at the later definition (https://github.com/NixOS/nix/commit/8034589d7e)
{ a = { b = 1; }; a = { b = 2; }; }
