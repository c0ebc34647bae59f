/* block
   comment */ 2 /* inline */ + /**/ 3
