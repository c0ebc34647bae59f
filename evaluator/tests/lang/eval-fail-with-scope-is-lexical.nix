# a function default is resolved where the function is written, not where it is called
let f = { x ? y }: x; in with { y = "from-with"; }; f { }
