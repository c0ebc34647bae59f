# Names of builtins exist before the file is parsed, so they come first.
{ zzz = throw "zzz"; map = throw "map"; }
