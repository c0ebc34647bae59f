true || throw "not evaluated"
