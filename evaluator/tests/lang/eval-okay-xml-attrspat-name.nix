[ (builtins.toXML (args@{ z, a ? 1 }: a)) (builtins.toXML ({ z, a ? 1, ... }@args: a)) (builtins.toXML ({ ... }: 1)) (builtins.toXML (let f = /* c */ x: y: x; in f 1)) ]
