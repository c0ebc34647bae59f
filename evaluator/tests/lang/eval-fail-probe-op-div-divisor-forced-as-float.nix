1 / null
