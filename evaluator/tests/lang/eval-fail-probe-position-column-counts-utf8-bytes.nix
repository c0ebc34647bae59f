let s = "ééé"; f = { a }: a; in f { }
