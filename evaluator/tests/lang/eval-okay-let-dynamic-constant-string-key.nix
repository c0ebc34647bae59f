# a constant-string dynamic key is static, so it is allowed in let
let ${"a"} = 1; in a
