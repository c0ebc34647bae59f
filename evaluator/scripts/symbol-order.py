#!/usr/bin/env python3
# Measures which names C++ Nix (nix-instantiate) has created as symbols before
# it parses anything, and the order it keeps them in (the order in which
# --strict forces a set's attributes), and writes them as JSON to order.json in
# the working directory. src/value/symbol_order.rs holds the result.
#
# A name N exists before parsing if `{ fresh = throw ..; N = throw ..; }` fails
# with N's error; two such names sort by which error wins.
# Usage: cd $(mktemp -d) && nix-instantiate --eval --strict -E 'builtins.attrNames builtins' > builtins.txt && python3 symbol-order.py
import subprocess, json, functools, re, sys
def q(n): return json.dumps(n)  # Nix string syntax is compatible for these names
def first_error(names):
    src = '{ ' + ' '.join(f'{q(n)} = throw {q(n)};' for n in names) + ' }'
    r = subprocess.run(['nix-instantiate', '--eval', '--strict', '-E', src], capture_output=True, env={'NIX_PATH': '', 'PATH': '/usr/bin:/bin', 'HOME': '/tmp/symorder'})
    m = re.search(r'error: (.*)', r.stderr.decode())
    return m.group(1) if m else None
builtin_names = re.findall(r'"([^"]+)"', open('builtins.txt').read())
cands = set(builtin_names) | {'__' + n for n in builtin_names}
cands |= set('abcdefghijklmnopqrstuvwxyz')
cands |= set('outPath drvPath type meta name value system __overrides outputs outputName __ignoreNulls file line column __functor __toString right wrong __structuredAttrs builder args __contentAddressed __impure outputHash outputHashAlgo outputHashMode recurseForDerivations description self startSet operator key path prefix drvAttrs strict commonAttrs outputToAttrListElement all outputsList success url sha256 hash unpack executable urls impureEnvVars preferLocalBuild allowedReferences allowedRequisites disallowedReferences disallowedRequisites maxSize maxClosureSize references outputChecks data result attrs list fn f g x xs n s e i j k v acc set pkgs lib config options'.split())
cands = sorted(c for c in cands if c and '"' not in c)
fresh = 'zzqfreshname'
pre = [c for c in cands if first_error([fresh, c]) == c]
print(len(cands), 'candidates,', len(pre), 'created before parsing', file=sys.stderr)
def cmp(a, b):
    return -1 if first_error([b, a]) == a else 1
order = sorted(pre, key=functools.cmp_to_key(cmp))
json.dump(order, open('order.json', 'w'))
print(order[:60], file=sys.stderr)
