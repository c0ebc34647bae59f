# `//` on a set nothing else holds updates it in place: what other values
# hold must not change, names keep their order, the right side wins (value
# and position), and the accumulator of a `foldl'` grows correctly.
let
  shared = { b = 2; d = 4; };
  viaLet = shared // { a = 1; d = 40; e = 5; };
  fresh = n: { "k${toString n}" = n; c = 0; };
  grown = builtins.foldl' (acc: i: acc // { "a${toString i}" = i; } // (if i == 3 then { c = "three"; } else { })) { c = null; } (builtins.genList (x: x) 12);
  replaced = builtins.foldl' (acc: i: acc // { x = i; }) (fresh 0) (builtins.genList (x: x) 5);
  many = (fresh 1) // { a = 1; z = 26; k1 = "one"; m = 13; c = "c"; b = 2; };
  pos = builtins.unsafeGetAttrPos "c" ((fresh 2) // {
    c = 1;
  });
in
{
  inherit shared viaLet grown replaced many;
  names = builtins.attrNames grown;
  posLine = pos.line;
  sharedAgain = shared;
  both = [ (shared // { b = 3; }) shared ];
}
