let s = { __toString = self: "n=${toString self.n}"; n = 7; }; in "${s}"
