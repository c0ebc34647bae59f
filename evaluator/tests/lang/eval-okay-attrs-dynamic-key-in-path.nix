let k = "mid"; in { a.${k}.z = 1; }
