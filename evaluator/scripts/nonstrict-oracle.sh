#!/usr/bin/env bash
# Check (default) or regenerate (--update) evaluator/tests/nonstrict/NAME.exp:
# the stdout of `nix-instantiate --eval NAME.nix` WITHOUT --strict, which
# shows which values are still unevaluated (<CODE>) or shared («repeated»).
set -euo pipefail
cd "$(dirname "$0")/../tests/nonstrict"
command -v nix-instantiate >/dev/null || { echo "nonstrict-oracle.sh: nix-instantiate not found" >&2; exit 2; }
export NIX_PATH=
status=0
for f in *.nix; do
    n=${f%.nix}
    out=$(nix-instantiate --eval "$f" 2>/dev/null | sed "s|$PWD/||g") || { echo "BAD $n: nix-instantiate failed"; status=1; continue; }
    if [ "${1:-}" = "--update" ]; then
        printf '%s\n' "$out" > "$n.exp"
    elif [ "$out" != "$(cat "$n.exp")" ]; then
        echo "BAD $n: $n.exp differs from C++ Nix"; status=1
    fi
done
[ $status = 0 ] && echo "nonstrict-oracle.sh: $(ls *.nix | wc -l) cases agree with C++ Nix"
exit $status
