# Quoted attribute names escape every `$`; strings only `${`.
[ { "a$b" = 1; "$" = 2; "x${"{"}" = 3; } [ "a$b" "a\${b" "$$" ] ]
