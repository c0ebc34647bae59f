# with's own scope is evaluated lazily but x refers to itself
let x = with { }; x; in x
