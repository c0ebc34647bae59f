builtins.length [ (throw "lazy") ] + builtins.head [ (throw "forced") ]
