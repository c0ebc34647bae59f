# `inherit x;` in a rec set takes x from the enclosing scope
let x = "outer"; in (rec { inherit x; y = x; }).y
