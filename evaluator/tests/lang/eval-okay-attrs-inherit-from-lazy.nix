# inherit (e) does not force e unless the attribute is used
{ inherit (throw "never") a; b = 1; }.b
