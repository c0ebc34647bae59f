# __contentAddressed and __impure (when false) select the derivation type and
# are not part of its environment, with or without structured attributes.
let
  base = { name = "flags"; builder = "/bin/sh"; system = "x86_64-linux"; };
  drv = a: (builtins.derivationStrict (base // a)).drvPath;
in [ (drv { }) (drv { __impure = false; }) (drv { __contentAddressed = false; })
     (drv { __structuredAttrs = true; __impure = false; }) (drv { __structuredAttrs = true; })
     (drv { __ignoreNulls = true; __impure = null; }) ]
