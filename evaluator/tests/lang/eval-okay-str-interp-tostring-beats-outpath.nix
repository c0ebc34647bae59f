"${{ outPath = "op"; __toString = _: "ts"; }}"
