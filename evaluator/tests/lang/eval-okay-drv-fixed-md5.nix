let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashAlgo = "md5"; outputHash = "d41d8cd98f00b204e9800998ecf8427e"; }; in [ d.drvPath d.outPath ]
