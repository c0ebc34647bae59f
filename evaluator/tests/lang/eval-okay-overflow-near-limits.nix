# beyond-oracle: results right at the limits do not overflow in Nix >= 2.24 (this also matches 2.8, but belongs with the overflow cases)
[ (9223372036854775806 + 1) (-9223372036854775807 - 1) (3037000499 * 3037000499) ]
