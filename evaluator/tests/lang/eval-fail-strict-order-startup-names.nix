# Names C++ Nix creates at startup keep its order: `column` before `outPath`,
# though the source names outPath first.
{ zz = throw "zz"; outPath = throw "outPath"; column = throw "column"; }
