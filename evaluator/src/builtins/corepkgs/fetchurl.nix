# <nix/fetchurl.nix>: a fixed-output derivation that Nix's builtin:fetchurl builds.
{ url
, name ? baseNameOf (toString url)
, hash ? ""
, sha512 ? ""
, sha1 ? ""
, md5 ? ""
, sha256 ? ""
, outputHash ?
    if hash != "" then hash
    else if sha512 != "" then sha512
    else if sha1 != "" then sha1
    else if md5 != "" then md5
    else sha256
, outputHashAlgo ?
    if hash != "" then ""
    else if sha512 != "" then "sha512"
    else if sha1 != "" then "sha1"
    else if md5 != "" then "md5"
    else "sha256"
, executable ? false
, unpack ? false
, system ? "" # accepted for compatibility; the builder is built in
}:

derivation {
  inherit name url executable unpack outputHash outputHashAlgo;
  builder = "builtin:fetchurl";
  system = "builtin";
  outputHashMode = if unpack || executable then "recursive" else "flat";
  # For nix-prefetch-url.
  urls = [ url ];
  # Proxy settings pass through: the output is fixed by its hash anyway.
  impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
  preferLocalBuild = true;
}
