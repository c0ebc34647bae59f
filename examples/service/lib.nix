# A small helper library, imported by config.nix.
{
  # Merges two sets recursively; the right side wins on conflicts.
  recursiveUpdate = lhs: rhs:
    lhs // builtins.mapAttrs
      (name: value:
        if builtins.isAttrs value && builtins.isAttrs (lhs.${name} or null)
        then (import ./lib.nix).recursiveUpdate lhs.${name} value
        else value)
      rhs;

  mkServer = name: port: { inherit name port; tls = port == 443; };
}
