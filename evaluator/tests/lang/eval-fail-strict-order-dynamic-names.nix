# Dynamic names are interned when evaluated.
let k = "zz" + "top"; in { ${k} = throw "dynamic"; aa = throw "static"; }
