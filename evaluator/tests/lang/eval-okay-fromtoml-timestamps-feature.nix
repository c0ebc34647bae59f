# beyond-oracle: with the parse-toml-timestamps experimental feature, current Nix's fromTOML returns dates and times as { _type = "timestamp"; value = "…"; }, normalised to an upper-case T and the written sub-second precision rounded up to 3, 6 or 9 digits (https://nix.dev/manual/nix/latest/development/experimental-features#xp-feature-parse-toml-timestamps)
builtins.fromTOML ''
  released = 2024-02-29T23:59:60Z
  shifted = 2001-01-01 12:00:00+05:30
  tick = 1999-12-31T23:59:59.5
  micro = 1999-12-31T23:59:59.25001-01:00
  nano = 08:15:00.0000001
  day = 2012-12-21
  [[events]]
  at = [ 10:00:00, 10:30:00.75 ]
''
