# removeAttrs with names given twice, names the set lacks, and a large set
# (looked up by binary search), forced and unforced names.
let
  big = builtins.listToAttrs (builtins.genList (i: { name = "k${toString i}"; value = i; }) 40);
  small = { a = 1; b = 2; c = 3; };
in [
  (removeAttrs small [ "b" "b" "zz" "a" ])
  (removeAttrs small [ ])
  (removeAttrs small [ "q" ])
  (builtins.attrNames (removeAttrs big [ "k3" "k39" "k3" "k0" "nope" (toString 7) ]))
  (builtins.length (builtins.attrNames (removeAttrs big (builtins.genList (i: "k${toString (i * 2)}") 20))))
]
