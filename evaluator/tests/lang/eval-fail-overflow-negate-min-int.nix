# beyond-oracle: Nix >= 2.24: unary minus is `__sub 0 x`, so negating the minimum integer overflows (Nix 2.8 returns it unchanged)
-(-9223372036854775807 - 1)
