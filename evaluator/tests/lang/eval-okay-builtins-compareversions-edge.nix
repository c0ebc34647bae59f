# digit runs beyond int range compare as words; bytes compare unsigned
[ (builtins.compareVersions "99999999999" "2") (builtins.compareVersions "2147483647" "2147483648") (builtins.compareVersions "1-é" "1-a") (builtins.compareVersions "1.0-pre" "1.0") (builtins.compareVersions "1..0" "1.0") (builtins.compareVersions "a" "") ]
