{ a.b = 1; }.a.b or (abort "unused")
