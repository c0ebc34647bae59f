# Records repeating the same keys (remembered while parsing), mixed with
# escapes, non-ASCII text and keys that differ only late.
builtins.fromJSON ''
  [ {"id": 1, "name": "n1", "tags": ["a", "b"], "ok": true},
    {"id": 2, "name": "n\"2\"", "tags": [], "ok": false, "idx": "x"},
    {"ok": null, "id": 3, "name": "é\u00e9\\/", "tags": ["\ud83d\ude00"], "identifier": 4},
    {"k01": 1, "k02": 2, "k03": 3, "k04": 4, "k05": 5, "k06": 6, "k07": 7, "k08": 8, "k09": 9,
     "k10": 10, "k11": 11, "k12": 12, "k13": 13, "k14": 14, "k15": 15, "k16": 16, "k17": 17, "id": 5, "name": "last"} ]
''
