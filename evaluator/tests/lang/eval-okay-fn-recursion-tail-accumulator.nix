let go = acc: n: if n == 0 then acc else go (acc + n) (n - 1); in go 0 5000
