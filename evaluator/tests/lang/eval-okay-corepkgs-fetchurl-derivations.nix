# <nix/fetchurl.nix>: the derivations it makes for each way of giving the hash.
let
  fetch = import <nix/fetchurl.nix>;
  url = "http://example.org/dist/pkg-1.0.tar.gz";
  z = "0000000000000000000000000000000000000000000000000000";
  show = d: { inherit (d) drvPath outPath name; attrs = d.drvAttrs; };
in map show [
  (fetch { inherit url; sha256 = z; })
  (fetch { inherit url; hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; })
  (fetch { inherit url; sha1 = "0000000000000000000000000000000000000000"; md5 = "x"; })
  (fetch { inherit url; md5 = "00000000000000000000000000000000"; })
  (fetch { inherit url; sha512 = "sha512-" + builtins.substring 0 86 (builtins.concatStringsSep "" (builtins.genList (_: "A") 90)) + "=="; })
  (fetch { inherit url; sha256 = z; executable = true; name = "tool"; system = "ignored"; })
  (fetch { inherit url; sha256 = z; unpack = true; })
  (fetch { inherit url; outputHash = z; outputHashAlgo = "sha256"; })
]
