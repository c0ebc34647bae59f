# beyond-oracle: since Nix 2.24 two set literals bound to one name merge recursively (https://github.com/NixOS/nix/commit/8034589d7e)
{ a = { b = { c = 1; }; }; a = { b = { d = 2; }; e = 3; }; }
