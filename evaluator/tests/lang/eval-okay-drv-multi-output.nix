let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" "doc" ]; }; in [ d.drvPath d.outPath d.dev.outPath d.doc.outPath d.outputName d.dev.outputName ]
