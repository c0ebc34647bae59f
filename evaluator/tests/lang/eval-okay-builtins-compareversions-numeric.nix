[ (builtins.compareVersions "1.10" "1.9") (builtins.compareVersions "01" "1") (builtins.compareVersions "a" "b") (builtins.compareVersions "" "") ]
