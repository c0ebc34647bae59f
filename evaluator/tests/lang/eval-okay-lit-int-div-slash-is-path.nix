# `1/0` without spaces lexes as a relative path, not a division
builtins.typeOf 1/0
