let
  makeOverridable = f: args: let r = f args; in r // { override = new: makeOverridable f (args // new); };
  callPackage = fn: extra: let pool = { a = 1; b = 2; c = 3; }; in makeOverridable fn (builtins.intersectAttrs (builtins.functionArgs fn) pool // extra);
  pkg = callPackage ({ a, b ? 10, d ? 4 }: { sum = a + b + d; }) { };
in [ pkg.sum (pkg.override { b = 100; }).sum ((pkg.override { d = 0; }).override { a = 0; }).sum ]
