# Names are compared step by step: a differing name ends the comparison
# before later values are forced.
[ ({ b = 1; a = throw "never"; } == { b = 2; c = 1; })
  ({ b = 1; c = throw "never"; } == { b = 1; d = 1; }) ]
