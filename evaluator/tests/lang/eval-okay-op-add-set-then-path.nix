# After a set (coerced with __toString/outPath) `+` takes a path as text; only
# after a string is the path copied to the store.
[ ({ __toString = s: "T"; } + ./data/text.txt == "T" + toString ./data/text.txt)
  (builtins.hasContext ({ outPath = "/o"; } + ./data/text.txt))
  (builtins.hasContext ("s" + ./data/text.txt)) ]
