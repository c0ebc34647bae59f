#!/usr/bin/env bash
# Check (default) or regenerate (--update) evaluator/tests/drv/NAME.drv: the
# ATerm text C++ Nix writes for the derivation NAME.nix evaluates to
# (`nix-instantiate NAME.nix`, then the .drv file's contents).
set -euo pipefail
cd "$(dirname "$0")/../tests/drv"
command -v nix-instantiate >/dev/null || { echo "drv-oracle.sh: nix-instantiate not found" >&2; exit 2; }
export NIX_PATH=
# A fresh private store (store paths still read /nix/store/...), so the
# machine's /nix/store is neither read nor written.
store_root=$(mktemp -d "${TMPDIR:-/tmp}/nix-oracle-store.XXXXXX")
trap 'chmod -R u+w "$store_root" 2>/dev/null; rm -rf "$store_root"' EXIT
export NIX_REMOTE="$store_root"
status=0
for f in *.nix; do
    n=${f%.nix}
    drv=$(nix-instantiate "$f" 2>/dev/null) || { echo "BAD $n: nix-instantiate failed"; status=1; continue; }
    # The private store keeps the file under its root (the printed path is
    # the logical one; /nix/store may hold none, or a stale copy).
    [ -f "$store_root$drv" ] && drv="$store_root$drv"
    if [ "${1:-}" = "--update" ]; then
        cp "$drv" "$n.drv"; chmod 644 "$n.drv"
    elif ! cmp -s "$drv" "$n.drv"; then
        echo "BAD $n: $n.drv differs from C++ Nix"; status=1
    fi
done
[ $status = 0 ] && echo "drv-oracle.sh: $(ls *.nix | wc -l) derivations agree with C++ Nix"
exit $status
