# `$${` is a literal `$` followed by a literal `${`
[ "$${x}" "$$" "$$$" ]
